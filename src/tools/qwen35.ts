/**
 * Qwen3.5: the Qwen3-Coder XML call format, `<tool_call>\n<function=NAME>\n<parameter=KEY>\n
 * VALUE\n</parameter>\n</function>\n</tool_call>`, with results in `<tool_response>` blocks
 * inside one user turn.
 *
 * Source: Qwen3.5's published chat template, models/templates/Qwen3.5-4B.jinja (as mirrored in
 * Indras-Mirror/llama.cpp-turboq-mtp); the parser side is vLLM's qwen3_coder parser
 * (vllm-project/vllm, vllm/entrypoints/openai/tool_parsers/qwen3coder_tool_parser.py), which
 * types each parameter from the tool's JSON Schema, as `parse` does here.
 *
 * WebLLM's conversation template is mlc-llm's `qwen3_5`, whose assistant role header is
 * `<|im_start|>assistant\n<think>` (mlc-ai/mlc-llm, python/mlc_llm/conversation_template/
 * qwen3_5.py): every assistant turn in the history opens a think block. An assistant message
 * that has not closed one gets an empty `\n</think>\n\n` first, which is exactly what the
 * template writes for turns after the last user query.
 */
import type { ChatCompletionMessageParam, ChatCompletionTool } from "../openai/chat.js";
import type { CallSyntax, ParsedCall, ToolFormat } from "./format.js";
import { choiceCue, groupTools, joinParts, normalize, offered, plain, pyJson, type HistoryCall } from "./messages.js";
import { toolResponses } from "./tool-call-tags.js";
import { tryJson } from "./json-scan.js";

const TOOLS_HEAD = "# Tools\n\nYou have access to the following functions:\n\n<tools>";
const TOOLS_TAIL =
  "\n</tools>\n\nIf you choose to call a function ONLY reply in the following format with NO suffix:\n\n" +
  "<tool_call>\n<function=example_function_name>\n<parameter=example_parameter_1>\nvalue_1\n</parameter>\n" +
  "<parameter=example_parameter_2>\nThis is the value for the second parameter\nthat can span\nmultiple lines\n" +
  "</parameter>\n</function>\n</tool_call>\n\n<IMPORTANT>\nReminder:\n" +
  "- Function calls MUST follow the specified format: an inner <function=...></function> block must be nested within <tool_call></tool_call> XML tags\n" +
  "- Required parameters MUST be specified\n" +
  "- You may provide optional reasoning for your function call in natural language BEFORE the function call, but NOT after\n" +
  "- If there is no function call available, answer the question like normal with your current knowledge and do not tell the user about function calls\n" +
  "</IMPORTANT>";

/** A parameter value as the template prints it: objects and lists as JSON, the rest as Python `str()`. */
function valueText(v: unknown): string {
  if (typeof v === "object" && v !== null) return pyJson(v);
  if (typeof v === "boolean") return v ? "True" : "False";
  if (v === null || v === undefined) return "None";
  return String(v);
}

function callsText(calls: readonly { name: string; args: unknown }[], afterText: boolean): string {
  return calls
    .map((c, i) => {
      const lead = i > 0 ? "\n" : afterText ? "\n\n" : "";
      const args = typeof c.args === "object" && c.args !== null ? Object.entries(c.args as Record<string, unknown>) : [];
      const params = args.map(([k, v]) => `<parameter=${k}>\n${valueText(v)}\n</parameter>\n`).join("");
      return `${lead}<tool_call>\n<function=${c.name}>\n${params}</function>\n</tool_call>`;
    })
    .join("");
}

/** JSON Schema type of one parameter of one tool, when the request declares it. */
function paramType(tools: readonly ChatCompletionTool[] | undefined, fn: string, key: string): unknown {
  const params = tools?.find((t) => t.function.name === fn)?.function.parameters as Record<string, unknown> | undefined;
  const prop = (params?.["properties"] as Record<string, Record<string, unknown>> | undefined)?.[key];
  return prop?.["type"];
}

/**
 * A parameter's text as a JSON value: typed by the tool's schema where it declares a type
 * (a string stays the text as written), otherwise JSON when it reads as JSON, else the text.
 */
export function xmlValue(text: string, type: unknown): unknown {
  const types = Array.isArray(type) ? type : [type];
  if (types.includes("string")) return text;
  const json = tryJson(text.trim());
  if (json !== undefined) return json;
  if (text.trim() === "True" || text.trim() === "False") return text.trim() === "True";
  if (text.trim() === "None") return null;
  return text;
}

const BLOCK = /^<tool_call>\s*<function=([^>\s]+)>\s*([\s\S]*?)<\/function>\s*(?:<\/tool_call>|$)/;
const PARAM = /^<parameter=([^>\s]+)>\n?([\s\S]*?)\n?<\/parameter>\s*/;

/** Parses the XML blocks from the first `<tool_call>` on; null when any block is not a call. */
export function parseXmlCalls(raw: string, tools?: readonly ChatCompletionTool[]): ParsedCall[] | null {
  let rest = raw.slice(Math.max(0, raw.indexOf("<tool_call>")));
  if (!raw.includes("<tool_call>")) return null;
  const calls: ParsedCall[] = [];
  while (rest.startsWith("<tool_call>")) {
    const m = BLOCK.exec(rest);
    if (!m) return null;
    const name = m[1] ?? "";
    let body = m[2] ?? "";
    const args: Record<string, unknown> = {};
    while (body.length > 0) {
      const p = PARAM.exec(body);
      if (!p) return null;
      const key = p[1] ?? "";
      args[key] = xmlValue(p[2] ?? "", paramType(tools, name, key));
      body = body.slice(p[0].length);
    }
    calls.push({ name, arguments: JSON.stringify(args) });
    rest = rest.slice(m[0].length).trimStart();
  }
  return calls;
}

const SYNTAX: CallSyntax = {
  begin: "<tool_call>\n<function=",
  end: "</function>\n</tool_call>",
  list: false,
  nameKey: "name",
  argsKey: "arguments",
  separator: "\n",
  body: "xml",
};

const thinkClosed = (text: string): boolean => text.includes("</think>");

/** Qwen3.5. */
export const qwen35Format: ToolFormat = {
  name: "qwen3.5",
  native: true,
  parallel: true,
  syntax: SYNTAX,
  openers: ["<tool_call>"],
  leadingOpeners: [],
  render(input) {
    const conv = normalize(input.messages);
    const tools = offered(input);
    const cue = choiceCue(input);
    const section = tools.length > 0 ? TOOLS_HEAD + tools.map((t) => "\n" + pyJson(t)).join("") + TOOLS_TAIL + (cue ? `\n\n${cue}` : "") : null;
    const system = joinParts([section, conv.system?.trim()], "\n\n");
    const out: ChatCompletionMessageParam[] = system ? [{ role: "system", content: system }] : [];
    for (const item of groupTools(conv.turns)) {
      if (Array.isArray(item)) out.push({ role: "user", content: toolResponses(item.map((r) => ({ text: r.text.trim() }))) });
      else if (item.role === "user") out.push(plain(item, item.text.trim()));
      else if (item.role === "assistant") {
        // An app that kept the opening tag would get it twice: WebLLM's role header has it.
        const text = item.text.trim().replace(/^<think>\n?/, "");
        const calls: HistoryCall[] = item.calls;
        const body = text + callsText(calls, text !== "");
        out.push(plain(item, thinkClosed(text) ? body : `\n</think>\n\n${body}`));
      }
    }
    return out;
  },
  parse: (raw, tools) => parseXmlCalls(raw, tools),
  callText: (calls) => callsText(calls.map((c) => ({ name: c.name, args: JSON.parse(c.arguments) as unknown })), false),
};
