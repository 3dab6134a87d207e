/**
 * Nous Research's Hermes 2 Pro (and Hermes 2 Theta) and Hermes 3: the function-calling system
 * prompt with Python-style signatures, calls in `<tool_call>` blocks, results in a `tool` turn.
 *
 * Sources (the models' published `tool_use` chat templates):
 * - Hermes 3: models/templates/NousResearch-Hermes-3-Llama-3.1-8B-tool_use.jinja in llama.cpp
 *   (as mirrored in ye-NX/llama.cpp).
 * - Hermes 2 Pro: vllm-project/vllm, examples/tool_chat_template_hermes_2_pro.jinja, whose
 *   prompt asks for the arguments before the name (`{"arguments": <args-dict>, "name":
 *   <function-name>}`), and which wraps each result as `{"name": ..., "content": ...}`. Calls
 *   are written in that order without the copy's stray spaces (`{ "arguments"`, `</tool_call> `),
 *   and a JSON result as JSON rather than quoted.
 * Both write the tools prompt as a system turn of its own before the app's system message; here
 * the app's system text follows it in the same system message (WebLLM takes one). The signature
 * text is reproduced as the templates build it, including their quirks (argument lines that run
 * together, Hermes 3's doubled `}` after the pydantic schema): it is what the models were
 * trained on.
 *
 * WebLLM's conversation templates (mlc-llm `hermes2_pro_llama3`, `hermes3_llama-3_1`,
 * `open_hermes_mistral`; mlc-ai/mlc-llm, python/mlc_llm/conversation_template/hermes.py) are
 * ChatML; only some declare a `tool` role, so a result is a user message named
 * `<|im_start|>tool`, which WebLLM writes as the role header whatever the template declares.
 */
import type { ChatCompletionMessageParam, FunctionDefinition } from "../openai/chat.js";
import type { ParsedCall, RenderInput, ToolFormat } from "./format.js";
import { choiceCue, functionsOf, joinParts, normalize, plain, pyJson, resultJson } from "./messages.js";
import { argsOf, groupTools, TAG_OPEN, tagAssistant, tagCallText, tagParse, tagSyntax } from "./tool-call-tags.js";

type Schema = Record<string, unknown>;

/** The templates' `json_to_python_type` macro. */
function pyType(spec: Schema | undefined): string {
  const t = spec?.["type"];
  const basic: Record<string, string> = { string: "str", number: "float", integer: "int", boolean: "bool" };
  if (typeof t === "string" && basic[t]) return basic[t];
  if (t === "array") return `list[${pyType(spec?.["items"] as Schema | undefined)}]`;
  if (t === "object") {
    const extra = spec?.["additionalProperties"];
    return extra !== undefined ? `dict[str, ${pyType(extra as Schema)}]` : "dict";
  }
  if (Array.isArray(t)) return `Union[${t.map((x) => pyType({ type: x })).join(",")}]`;
  return "Any";
}

/** One tool as the templates write it inside `<tools>`. */
function signature(fn: FunctionDefinition): string {
  const params = (fn.parameters ?? {}) as Schema;
  const props = Object.entries((params["properties"] ?? {}) as Record<string, Schema>);
  const sig = props.map(([k, v]) => `${k}: ${pyType(v)}`).join(", ");
  const args = props.map(([k, v]) => `        ${k}(${pyType(v)}): ${String(v["description"] ?? "").trim()}`).join("");
  const doc = `${fn.name}(${sig}) - ${fn.description ?? ""}\n\n${props.length > 0 ? "    Args:\n" + args : ""}`;
  const schema = props.length === 0 ? "{}" : pyJson(params);
  return `{"type": "function", "function": {"name": "${fn.name}", "description": "${doc}", "parameters": ${schema}}`;
}

const INTRO =
  "You are a function calling AI model. You are provided with function signatures within <tools></tools> XML tags. " +
  "You may call one or more functions to assist with the user query. Don't make assumptions about what values to plug " +
  "into functions. Here are the available tools: <tools> ";

/** The pydantic schema and call example of each version, quoted from its template. */
const SCHEMA = {
  "2-pro":
    'Use the following pydantic model json schema for each tool call you will make: {"properties": {"arguments": {"title": "Arguments", "type": "object"}, ' +
    '"name": {"title": "Name", "type": "string"}}, "required": ["arguments", "name"], "title": "FunctionCall", "type": "object"}\n' +
    "For each function call return a json object with function name and arguments within <tool_call></tool_call> XML tags as follows:\n" +
    '<tool_call>\n{"arguments": <args-dict>, "name": <function-name>}\n</tool_call>',
  "3":
    'Use the following pydantic model json schema for each tool call you will make: {"properties": {"name": {"title": "Name", "type": "string"}, ' +
    '"arguments": {"title": "Arguments", "type": "object"}}, "required": ["name", "arguments"], "title": "FunctionCall", "type": "object"}}\n' +
    "For each function call return a json object with function name and arguments within <tool_call></tool_call> XML tags as follows:\n" +
    '<tool_call>\n{"name": <function-name>, "arguments": <args-dict>}\n</tool_call>',
};

function toolsPrompt(input: RenderInput, version: keyof typeof SCHEMA): string {
  const cue = choiceCue(input);
  return INTRO + functionsOf(input).map(signature).join("\n") + " </tools>" + SCHEMA[version] + (cue ? `\n\n${cue}` : "");
}

/** The role header WebLLM writes for a tool turn: the templates' `<|im_start|>tool`. */
export const HERMES_TOOL_ROLE = "<|im_start|>tool";

function hermesFormat(version: keyof typeof SCHEMA): ToolFormat {
  const argsFirst = version === "2-pro";
  return {
    name: version === "2-pro" ? "hermes-2-pro" : "hermes-3",
    native: true,
    parallel: true,
    syntax: tagSyntax(argsFirst),
    openers: [TAG_OPEN],
    leadingOpeners: [],
    render(input) {
      const conv = normalize(input.messages);
      const tools = functionsOf(input).length > 0;
      const system = tools ? joinParts([toolsPrompt(input, version), conv.system], "\n\n") : conv.system;
      const out: ChatCompletionMessageParam[] = system === null ? [] : [{ role: "system", content: system }];
      for (const item of groupTools(conv.turns)) {
        if (Array.isArray(item)) {
          // Hermes 3 groups consecutive results in one tool turn; Hermes 2 Pro gives each its own.
          const blocks = item.map((r) =>
            version === "3" ? r.text : `{"name": ${JSON.stringify(r.name ?? "")}, "content": ${resultJson(r.text)}}`,
          );
          const wrap = (b: string): string => `<tool_response>\n${b}\n</tool_response>`;
          if (version === "3") out.push({ role: "user", name: HERMES_TOOL_ROLE, content: blocks.map(wrap).join("\n") });
          else for (const b of blocks) out.push({ role: "user", name: HERMES_TOOL_ROLE, content: wrap(b) });
        } else if (item.role === "user") out.push(plain(item, item.text));
        else if (item.role === "assistant") out.push(plain(item, tagAssistant(item, argsFirst)));
      }
      return out;
    },
    parse: (raw) => tagParse(raw),
    callText: (calls: readonly ParsedCall[]) => tagCallText(calls.map((c) => ({ name: c.name, args: argsOf(c) })), argsFirst),
  };
}

/** Hermes 2 Pro and Hermes 2 Theta. */
export const hermes2ProFormat: ToolFormat = hermesFormat("2-pro");

/** Hermes 3. */
export const hermes3Format: ToolFormat = hermesFormat("3");
