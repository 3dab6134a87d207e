import type { ResponseInputText } from "../../openai/responses-input.js";
import type { ResponseItem, ResponseOutputMessage, ResponseOutputRefusal, ResponseOutputText } from "../../openai/responses.js";
import { newId } from "../../runtime/ids.js";
import { bad, describe, isObj, list, str, unset, type Obj } from "./checks.js";

/** An `item_reference` input item, to be read from the store. `param` names it for errors. */
export interface ItemRef {
  ref: string;
  param: string;
}

/** One validated input item: in the form `inputItems.list` lists it (ids filled in), or a reference. */
export type InputEntry = ResponseItem | ItemRef;

const USER_ROLES = new Set(["user", "system", "developer"]);
const IMAGE_OR_FILE = new Set(["input_image", "input_file", "input_audio"]);

/** Text from a user-side part; images and files are refused, naming the part. */
function inputPart(part: unknown, p: string): ResponseInputText {
  if (!isObj(part)) throw bad(`'${p}' must be an object, got ${describe(part)}.`, p);
  if (IMAGE_OR_FILE.has(part.type as string)) {
    throw bad(`Content part type '${String(part.type)}' is not supported: local models here take text only.`, `${p}.type`);
  }
  if (part.type !== "input_text") throw bad(`'${p}.type' must be 'input_text', got ${JSON.stringify(part.type)}.`, `${p}.type`);
  return { type: "input_text", text: str(part.text, `${p}.text`) };
}

/** An assistant message's parts, as output text (or a refusal, which goes back as the text it was). */
function outputPart(part: unknown, p: string): ResponseOutputText | ResponseOutputRefusal {
  if (!isObj(part)) throw bad(`'${p}' must be an object, got ${describe(part)}.`, p);
  if (part.type === "refusal") return { type: "refusal", refusal: str(part.refusal, `${p}.refusal`) };
  if (part.type !== "output_text" && part.type !== "input_text") {
    throw bad(`'${p}.type' must be 'output_text' or 'refusal' in an assistant message, got ${JSON.stringify(part.type)}.`, `${p}.type`);
  }
  return { type: "output_text", text: str(part.text, `${p}.text`), annotations: [], logprobs: [] };
}

const givenId = (item: Obj, prefix: string): string => (typeof item.id === "string" && item.id !== "" ? item.id : newId(prefix));

function message(item: Obj, p: string): ResponseItem {
  const role = item.role;
  const content = item.content;
  if (role === "assistant") {
    const parts = typeof content === "string" ? [outputPart({ type: "output_text", text: content }, `${p}.content`)] : list(content, `${p}.content`).map((c, j) => outputPart(c, `${p}.content[${j}]`));
    const out: ResponseOutputMessage = { id: givenId(item, "msg_"), type: "message", role: "assistant", status: "completed", content: parts };
    return out;
  }
  if (typeof role !== "string" || !USER_ROLES.has(role)) {
    throw bad(`'${p}.role' must be one of user, assistant, system, developer; got ${JSON.stringify(role)}.`, `${p}.role`);
  }
  const parts = typeof content === "string" ? [{ type: "input_text" as const, text: content }] : list(content, `${p}.content`).map((c, j) => inputPart(c, `${p}.content[${j}]`));
  return { id: givenId(item, "msg_"), type: "message", role: role as "user" | "system" | "developer", status: "completed", content: parts };
}

function entry(item: unknown, p: string): InputEntry {
  if (!isObj(item)) throw bad(`'${p}' must be an object, got ${describe(item)}.`, p);
  const type = item.type ?? (item.role !== undefined ? "message" : undefined);
  switch (type) {
    case "message":
      return message(item, p);
    case "function_call":
      return {
        id: givenId(item, "fc_"),
        type: "function_call",
        call_id: str(item.call_id, `${p}.call_id`),
        name: str(item.name, `${p}.name`),
        arguments: str(item.arguments, `${p}.arguments`),
        status: "completed",
      };
    case "function_call_output": {
      const output = typeof item.output === "string" ? item.output : list(item.output, `${p}.output`).map((c, j) => inputPart(c, `${p}.output[${j}]`));
      return { id: givenId(item, "fco_"), type: "function_call_output", call_id: str(item.call_id, `${p}.call_id`), output, status: "completed" };
    }
    case "reasoning": {
      const summary = unset(item.summary) ? [] : list(item.summary, `${p}.summary`);
      return { id: givenId(item, "rs_"), type: "reasoning", summary: summary as [], content: Array.isArray(item.content) ? (item.content as []) : [] };
    }
    case "item_reference":
      return { ref: str(item.id, `${p}.id`), param: p };
    default:
      throw bad(
        `Input item type ${JSON.stringify(type)} is not supported: pagellm takes message, function_call, function_call_output, reasoning and item_reference items.`,
        `${p}.type`,
      );
  }
}

/**
 * Validates `input`: a string (one user message) or a list of items. Returns the items in the
 * form `inputItems.list` lists them, with ids filled in, and references still to resolve.
 */
export function validateInput(input: unknown): InputEntry[] {
  if (unset(input)) throw bad("'input' is required.", "input");
  if (typeof input === "string") return [{ id: newId("msg_"), type: "message", role: "user", status: "completed", content: [{ type: "input_text", text: input }] }];
  const items = list(input, "input");
  if (items.length === 0) throw bad("'input' must contain at least one item.", "input");
  return items.map((item, i) => entry(item, `input[${i}]`));
}
