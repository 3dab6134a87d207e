/**
 * Mistral 7B Instruct v0.3 (tokenizer v3): `[AVAILABLE_TOOLS]` before the last user turn,
 * calls as `[TOOL_CALLS] [{"name": ..., "arguments": {...}}]`, results as
 * `[TOOL_RESULTS] {"content": ..., "call_id": ...}[/TOOL_RESULTS]`, with tool-call ids of nine
 * alphanumeric characters.
 *
 * Sources: Mistral-7B-Instruct-v0.3's published chat template, as quoted in ShishirPatil/gorilla,
 * berkeley-function-call-leaderboard/bfcl/model_handler/local_inference/mistral_fc.py; Mistral's
 * tokenization guide, mistralai/cookbook, concept-deep-dive/tokenization/tool_calling.md
 * ("Tokenizer V3"); mistralai/mistral-common, src/mistral_common/integrations/chat_templates/
 * template_generator.py (v3 with SentencePiece: JSON tool results, system prompt prepended to the
 * last user message). Where the Hugging Face template writes the system prompt only when the last
 * message is a user message, this follows mistral-common, which always prepends it to the last
 * user message. A turn with calls is written without its text, as v3 forbids both together.
 *
 * WebLLM's conversation template is mlc-llm's `mistral_default` (mlc-ai/mlc-llm, python/mlc_llm/
 * conversation_template/mistral.py): it opens with `[INST] ` + the system message, writes the
 * first turn without a role header, and then `[INST] ` / `[/INST] ` headers with single spaces.
 * The system message is therefore empty (its default text would run into the first user turn),
 * and the family's markers go in as role headers of user messages: `[TOOL_RESULTS]` for a
 * result, and `[AVAILABLE_TOOLS] [...][/AVAILABLE_TOOLS][INST]` for the last user turn, unless
 * that turn is the first, whose header WebLLM never writes: then the tools block and `[INST] `
 * open its text.
 */
import type { ChatCompletionMessageParam, ChatCompletionTool } from "../openai/chat.js";
import type { CallSyntax, ParsedCall, ToolFormat } from "./format.js";
import { parseJsonCalls } from "./json-calls.js";
import { argsJson, choiceCue, joinParts, normalize, offered, plain, pyJson } from "./messages.js";
import { argsOf } from "./tool-call-tags.js";

const B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/**
 * The nine-character alphanumeric id Mistral's templates require for a tool call id: the id
 * itself when it already is one, else a stable hash of it, so every turn renders the same id.
 */
export function mistralId(id: string): string {
  if (/^[A-Za-z0-9]{9}$/.test(id)) return id;
  // cyrb53: a 53-bit string hash; 62^9 > 2^53, so nine digits always hold it.
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  let n = 4294967296 * (2097151 & h2) + (h1 >>> 0);
  let out = "";
  for (let i = 0; i < 9; i++) {
    out = (B62[n % 62] ?? "0") + out;
    n = Math.floor(n / 62);
  }
  return out;
}

/** The tools block as the v3 template writes it: string fields quoted as they are, the rest as JSON. */
function toolsBlock(tools: readonly ChatCompletionTool[]): string {
  const one = (t: ChatCompletionTool): string => {
    const fields = Object.entries(t.function)
      .filter(([k, v]) => k !== "return" && v !== undefined)
      .map(([k, v]) => (typeof v === "string" ? `"${k}": "${v}"` : `"${k}": ${pyJson(v)}`));
    return `{"type": "function", "function": {${fields.join(", ")}}}`;
  };
  return `[AVAILABLE_TOOLS] [${tools.map(one).join(", ")}][/AVAILABLE_TOOLS]`;
}

const SYNTAX: CallSyntax = { begin: "[TOOL_CALLS] ", end: "", list: true, nameKey: "name", argsKey: "arguments", separator: "" };

const callJson = (name: string, args: unknown): string => `{"name": ${JSON.stringify(name)}, "arguments": ${argsJson(args)}`;

/** The role header WebLLM writes for a tool result. */
export const MISTRAL_RESULTS_ROLE = "[TOOL_RESULTS]";

/** Mistral 7B Instruct v0.3. */
export const mistralV3Format: ToolFormat = {
  name: "mistral-v3",
  native: true,
  parallel: true,
  syntax: SYNTAX,
  openers: ["[TOOL_CALLS]", "["],
  leadingOpeners: ["["],
  render(input) {
    const conv = normalize(input.messages);
    const tools = offered(input);
    const lastUser = conv.turns.map((t) => t.role).lastIndexOf("user");
    const out: ChatCompletionMessageParam[] = [{ role: "system", content: "" }];
    conv.turns.forEach((t, i) => {
      if (t.role === "tool") {
        const content = `{"content": ${t.text}, "call_id": "${mistralId(t.callId)}"}[/TOOL_RESULTS]`;
        out.push({ role: "user", name: MISTRAL_RESULTS_ROLE, content });
      } else if (t.role === "assistant") {
        const calls = t.calls.map((c) => `${callJson(c.name, c.args)}, "id": "${mistralId(c.id)}"}`);
        out.push(calls.length > 0 ? { role: "assistant", content: `[TOOL_CALLS] [${calls.join(", ")}]` } : plain(t, t.text.trim()));
      } else if (i !== lastUser) {
        out.push(plain(t, t.text));
      } else {
        const body = joinParts([conv.system, choiceCue(input), t.text], "\n\n");
        if (tools.length === 0) out.push(plain(t, body));
        else if (i === 0) out.push({ role: "user", content: `${toolsBlock(tools)}[INST] ${body}` });
        else out.push({ role: "user", name: `${toolsBlock(tools)}[INST]`, content: body });
      }
    });
    return out;
  },
  parse: (raw) => parseJsonCalls(raw, mistralV3Format, { argsKeys: ["arguments"] }),
  callText: (calls: readonly ParsedCall[]) => `[TOOL_CALLS] [${calls.map((c) => callJson(c.name, argsOf(c)) + "}").join(", ")}]`,
};
