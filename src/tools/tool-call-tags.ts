import type { CallSyntax, ParsedCall } from "./format.js";
import { parseJsonCalls } from "./json-calls.js";
import type { ChatCompletionMessageParam } from "../openai/chat.js";
import { groupTools, plain, pyJson, type Turn } from "./messages.js";

/**
 * The `<tool_call>` JSON wire that Hermes 2 Pro introduced and Qwen2.5/Qwen3 and the generic
 * protocol share: one JSON object per block,
 * `<tool_call>\n{"name": "get_weather", "arguments": {"city": "Paris"}}\n</tool_call>`,
 * blocks joined by a newline. Only the prompt around it differs per family.
 */

/** The opener of a call block. */
export const TAG_OPEN = "<tool_call>";

/** The syntax of the wire; Hermes 2 Pro writes the arguments first. */
export function tagSyntax(argsFirst = false): CallSyntax {
  return { begin: "<tool_call>\n", end: "\n</tool_call>", list: false, nameKey: "name", argsKey: "arguments", separator: "\n", argsFirst };
}

/** One call as JSON with Python separators, as the templates' `tojson` writes it. */
export function callObjectText(name: string, args: unknown, argsKey = "arguments", argsFirst = false): string {
  const a = typeof args === "string" ? JSON.stringify(args) : pyJson(args);
  const n = JSON.stringify(name);
  return argsFirst ? `{"${argsKey}": ${a}, "name": ${n}}` : `{"name": ${n}, "${argsKey}": ${a}}`;
}

/** Arguments of a parsed call as a value (they are always JSON text of an object). */
export const argsOf = (call: ParsedCall): unknown => JSON.parse(call.arguments) as unknown;

/** The raw text of these calls on the wire. */
export function tagCallText(calls: readonly { name: string; args: unknown }[], argsFirst = false): string {
  return calls.map((c) => `<tool_call>\n${callObjectText(c.name, c.args, "arguments", argsFirst)}\n</tool_call>`).join("\n");
}

/** Parses `<tool_call>` blocks; a block holding a list of calls is accepted too. */
export function tagParse(raw: string): ParsedCall[] | null {
  return parseJsonCalls(raw, { openers: [TAG_OPEN], leadingOpeners: [], syntax: tagSyntax() }, { argsKeys: ["arguments", "parameters"] });
}

/** An assistant turn on the wire: its text, then its calls on the next line. */
export function tagAssistant(turn: Extract<Turn, { role: "assistant" }>, argsFirst = false): string {
  const calls = tagCallText(turn.calls, argsFirst);
  return turn.text && calls ? `${turn.text}\n${calls}` : turn.text || calls;
}

/** Consecutive tool results as Qwen's templates write them in one user turn. */
export function toolResponses(results: readonly { text: string }[]): string {
  return results.map((r) => `<tool_response>\n${r.text}\n</tool_response>`).join("\n");
}

/**
 * The conversation in the `<tool_call>` wire that Qwen's templates and the generic protocol share:
 * `system` (if any) first, consecutive tool results in one user turn, assistant calls after their
 * text. Messages that need no change are handed back as the app sent them.
 */
export function tagTurns(system: string | null, turns: readonly Turn[]): ChatCompletionMessageParam[] {
  const out: ChatCompletionMessageParam[] = system === null ? [] : [{ role: "system", content: system }];
  for (const item of groupTools([...turns])) {
    if (Array.isArray(item)) out.push({ role: "user", content: toolResponses(item) });
    else if (item.role === "user") out.push(plain(item, item.text));
    else if (item.role === "assistant") out.push(plain(item, tagAssistant(item)));
  }
  return out;
}

export { groupTools };
