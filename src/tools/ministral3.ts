/**
 * Ministral 3 (tokenizer v13, Instruct and Reasoning): `[AVAILABLE_TOOLS][...][/AVAILABLE_TOOLS]`
 * right after the system prompt, each call as `[TOOL_CALLS]name[ARGS]{...}`, results as
 * `[TOOL_RESULTS]content[/TOOL_RESULTS]`.
 *
 * Sources: mistralai/mistral-common, src/mistral_common/integrations/chat_templates/
 * template_generator.py (v13+: tools at the beginning, `name[ARGS]arguments` calls, plain tool
 * results), and Ministral-3-3B-Instruct-2512's published chat template, whose tools definition is
 * `'[AVAILABLE_TOOLS]' + (tools| tojson) + '[/AVAILABLE_TOOLS]'` and whose assistant turn is its
 * text, then `'[TOOL_CALLS]' + name + '[ARGS]' + arguments` per call, then `</s>`.
 *
 * WebLLM's conversation template is mlc-llm's `ministral3` (mlc-ai/mlc-llm, python/mlc_llm/
 * conversation_template/ministral3.py): role templates `[INST]{user}[/INST]`, `{assistant}</s>`
 * and `[TOOL_RESULTS]{tool}[/TOOL_RESULTS]`, with empty role headers. Results therefore go in as
 * real `tool` messages, and the tools block as the role header (`name`) of the first turn, which
 * WebLLM writes right after the system prompt: the exact trained text, and the same on every turn.
 */
import type { ChatCompletionMessageParam } from "../openai/chat.js";
import type { CallSyntax, ParsedCall, ToolFormat } from "./format.js";
import { argsCall } from "./json-calls.js";
import { tryJson, valueEnd } from "./json-scan.js";
import { argsJson, choiceCue, joinParts, normalize, offered, plain, pyJson } from "./messages.js";
import { argsOf } from "./tool-call-tags.js";

const OPEN = "[TOOL_CALLS]";
const ARGS = "[ARGS]";

const SYNTAX: CallSyntax = {
  begin: OPEN,
  end: "",
  list: false,
  nameKey: "name",
  argsKey: "arguments",
  separator: "",
  body: "name-json",
  argsMarker: ARGS,
};

function callsText(calls: readonly { name: string; args: unknown }[]): string {
  return calls.map((c) => `${OPEN}${c.name}${ARGS}${argsJson(c.args)}`).join("");
}

/** Parses `[TOOL_CALLS]name[ARGS]{...}` blocks from the first one on. */
function parseMinistral(raw: string): ParsedCall[] | null {
  let at = raw.indexOf(OPEN);
  if (at < 0) return null;
  const calls: ParsedCall[] = [];
  while (raw.startsWith(OPEN, at)) {
    const marker = raw.indexOf(ARGS, at + OPEN.length);
    if (marker < 0) return null;
    const name = raw.slice(at + OPEN.length, marker);
    if (!/^[A-Za-z0-9_.:-]+$/.test(name)) return null;
    const end = valueEnd(raw, marker + ARGS.length);
    if (end < 0) return null;
    const call = argsCall(name, tryJson(raw.slice(marker + ARGS.length, end)));
    if (!call) return null;
    calls.push(call);
    at = end;
    while (/\s/.test(raw[at] ?? "")) at++;
  }
  return calls;
}

/** Ministral 3 Instruct and Reasoning. */
export const ministral3Format: ToolFormat = {
  name: "ministral3",
  native: true,
  parallel: true,
  syntax: SYNTAX,
  openers: [OPEN],
  leadingOpeners: [],
  render(input) {
    const conv = normalize(input.messages);
    const tools = offered(input);
    const system = joinParts([conv.system, tools.length > 0 ? choiceCue(input) : ""], "\n\n");
    const out: ChatCompletionMessageParam[] = system ? [{ role: "system", content: system }] : [];
    const block = tools.length > 0 ? `[AVAILABLE_TOOLS]${pyJson(tools)}[/AVAILABLE_TOOLS]` : null;
    conv.turns.forEach((t, i) => {
      if (t.role === "tool") {
        out.push({ role: "tool", content: t.text, tool_call_id: t.callId });
        return;
      }
      const text = t.role === "assistant" ? t.text + callsText(t.calls) : t.text;
      if (i === 0 && block) out.push({ role: t.role, name: block, content: text });
      else out.push(plain(t, text));
    });
    return out;
  },
  parse: (raw) => parseMinistral(raw),
  callText: (calls) => callsText(calls.map((c) => ({ name: c.name, args: argsOf(c) }))),
};
