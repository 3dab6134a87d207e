/**
 * Llama 3.1, 3.2 and 3.3: custom tools as JSON in the first user message, a call as the whole
 * reply `{"name": "get_weather", "parameters": {"city": "Paris"}}`, results in an `ipython` turn.
 *
 * Sources (the published chat templates, identical in what is used here):
 * models/templates/meta-llama-Llama-3.2-3B-Instruct.jinja in llama.cpp (ggerganov/llama.cpp)
 * and models/templates/meta-llama-Llama-3.3-70B-Instruct.jinja (as mirrored in ye-NX/llama.cpp),
 * with their defaults: tools in the first user message, and the date "26 Jul 2024" (fixed, so
 * the prompt is the same on every day and WebLLM's KV cache survives midnight). The template
 * allows one call per assistant turn ("This model only supports single tool-calls at once!").
 *
 * Output forms parsed (vllm-project/vllm, vllm/entrypoints/openai/tool_parsers/
 * llama_tool_parser.py; meta-llama/llama-models, models/llama3_2/text_prompt_format.md):
 * - the bare JSON object, which counts only at the start of the reply; several joined by `; `;
 * - the same after `<|python_tag|>`, which Llama writes before tool code;
 * - `<|python_tag|>[f(a="x")]` or a bare `[f(a="x")]`: the pythonic calls of Llama 3.2's guide.
 * `"arguments"` is accepted for `"parameters"`, as vLLM accepts it. `<|python_tag|>` followed by
 * anything else (code for the built-in code interpreter, `brave_search.call(...)` for built-in
 * tools, neither of which OpenAI's API can offer) is not a call and stays content.
 *
 * WebLLM's conversation template is mlc-llm's `llama-3_1` (mlc-ai/mlc-llm, python/mlc_llm/
 * conversation_template/llama.py), whose `tool` role writes the `ipython` header only in configs
 * generated after mlc-llm#2744 (August 2024); a result is therefore a user message named
 * `<|start_header_id|>ipython`, which WebLLM writes as its role header in every config.
 */
import type { ChatCompletionMessageParam } from "../openai/chat.js";
import type { CallSyntax, ParsedCall, RenderInput, ToolFormat } from "./format.js";
import { callFrom, findOpener, isBracket, parseJsonCalls } from "./json-calls.js";
import { tryJson, valueEnd } from "./json-scan.js";
import { choiceCue, normalize, offered, plain, pyJson, resultJson } from "./messages.js";
import { parsePythonic } from "./pythonic.js";
import { argsOf, callObjectText } from "./tool-call-tags.js";

/** The role header WebLLM writes for a tool result: Llama's `ipython` turn. */
export const LLAMA_IPYTHON_ROLE = "<|start_header_id|>ipython";

/** The date the templates write when none is given. */
export const LLAMA_DATE = "26 Jul 2024";

const SYNTAX: CallSyntax = { begin: "", end: "", list: false, nameKey: "name", argsKey: "parameters", separator: "; " };

const ARGS_KEYS = ["parameters", "arguments"] as const;

function toolsPreamble(input: RenderInput): string {
  const cue = choiceCue(input, false);
  return (
    "Given the following functions, please respond with a JSON for a function call with its proper arguments that best answers the given prompt.\n\n" +
    'Respond in the format {"name": function name, "parameters": dictionary of argument name and its value}.' +
    "Do not use variables." +
    (cue ? ` ${cue}` : "") +
    "\n\n" +
    offered(input).map((t) => pyJson(t, 4) + "\n\n").join("")
  );
}

function callsText(calls: readonly { name: string; args: unknown }[]): string {
  return calls.map((c) => callObjectText(c.name, c.args, "parameters")).join("; ");
}

function parseLlama(raw: string): ParsedCall[] | null {
  const hit = findOpener(raw, llama3Format, true);
  if (!hit) return null;
  const from = isBracket(hit.opener) ? hit.index : hit.index + hit.opener.length;
  if (raw.slice(from).trimStart().startsWith("[")) {
    const end = valueEnd(raw, from);
    if (end < 0) return null;
    const text = raw.slice(from, end);
    const pythonic = parsePythonic(text);
    if (pythonic) return pythonic;
    const list = tryJson(text);
    if (!Array.isArray(list) || list.length === 0) return null;
    const calls = list.map((item) => callFrom(item, "name", ARGS_KEYS));
    return calls.every((c): c is ParsedCall => c !== null) ? calls : null;
  }
  return parseJsonCalls(raw, llama3Format, { argsKeys: ARGS_KEYS });
}

/** Llama 3.1, 3.2 and 3.3 Instruct. */
export const llama3Format: ToolFormat = {
  name: "llama3-json",
  native: true,
  parallel: false,
  syntax: SYNTAX,
  openers: ["<|python_tag|>", "{", "["],
  leadingOpeners: ["{", "["],
  render(input) {
    const conv = normalize(input.messages);
    const tools = offered(input).length > 0;
    const header = (tools ? "Environment: ipython\n" : "") + `Cutting Knowledge Date: December 2023\nToday Date: ${LLAMA_DATE}\n\n`;
    const out: ChatCompletionMessageParam[] = [{ role: "system", content: header + (conv.system ?? "").trim() }];
    let toolsPending = tools;
    for (const t of conv.turns) {
      if (t.role === "tool") {
        out.push({ role: "user", name: LLAMA_IPYTHON_ROLE, content: resultJson(t.text) });
      } else if (t.role === "user") {
        out.push(toolsPending ? { role: "user", content: toolsPreamble(input) + t.text.trim() } : plain(t, t.text.trim()));
        toolsPending = false;
      } else {
        // The template writes only the call for a turn that makes one, not the turn's text.
        out.push(t.calls.length > 0 ? { role: "assistant", content: callsText(t.calls) } : plain(t, t.text.trim()));
      }
    }
    return out;
  },
  parse: (raw) => parseLlama(raw),
  callText: (calls) => callsText(calls.map((c) => ({ name: c.name, args: argsOf(c) }))),
};
