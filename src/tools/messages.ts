import type {
  ChatCompletionMessageParam,
  ChatCompletionTool,
  FunctionDefinition,
} from "../openai/chat.js";
import type { RenderInput } from "./format.js";

/** One tool call of an assistant turn, with its arguments parsed (or kept raw when not JSON). */
export interface HistoryCall {
  id: string;
  name: string;
  /** The parsed arguments object; the raw string when the app sent arguments that are not JSON. */
  args: unknown;
}

/**
 * The conversation reduced to what every template renders: one system text, then turns.
 * `source` is the app's message, so a renderer can hand back the same object when it needs no
 * change, which keeps WebLLM's comparison of old and new conversations trivially equal.
 */
export type Turn =
  | { role: "user"; text: string; source: ChatCompletionMessageParam }
  | { role: "assistant"; text: string; calls: HistoryCall[]; source: ChatCompletionMessageParam }
  | { role: "tool"; text: string; callId: string; name: string | null };

/** The conversation as `normalize` leaves it. */
export interface Conversation {
  /** Every system and developer message joined by a blank line, or null when there are none. */
  system: string | null;
  turns: Turn[];
}

/**
 * The text of a message's content; parts are joined as OpenAI joins them, with nothing between.
 * An assistant's refusal part is the text the model wrote, so it is written back as text.
 */
export function textOf(content: ChatCompletionMessageParam["content"]): string {
  if (typeof content === "string") return content;
  return (content ?? []).map((p) => (p.type === "text" ? p.text : p.refusal)).join("");
}

/** Arguments as sent by the app (a JSON string) as a value; empty means no arguments. */
export function parseArgs(args: string): unknown {
  if (args.trim() === "") return {};
  try {
    return JSON.parse(args);
  } catch {
    return args;
  }
}

/**
 * Reduces an OpenAI conversation to one system text and turns.
 * - WebLLM takes one system message, and only first (`SystemMessageOrderError`), and has no
 *   developer role (`UnsupportedRoleError`): every system and developer message is merged, in
 *   order, with a blank line between them, as mistral-common and Qwen's templates join system
 *   parts (mistralai/mistral-common, src/mistral_common/integrations/chat_templates/
 *   template_generator.py, pre-v7 system handling).
 * - Text parts are joined into one string: WebLLM refuses several text parts
 *   (`MultipleTextContentError`).
 * - A user's `name` is dropped: WebLLM would write it in place of the role header.
 * - A tool result learns its function's name from the call it answers, for templates that
 *   print it (Hermes 2 Pro).
 */
export function normalize(messages: readonly ChatCompletionMessageParam[]): Conversation {
  const systems: string[] = [];
  const turns: Turn[] = [];
  const names = new Map<string, string>();
  for (const m of messages) {
    if (m.role === "system" || m.role === "developer") {
      systems.push(textOf(m.content));
    } else if (m.role === "user") {
      turns.push({ role: "user", text: textOf(m.content), source: m });
    } else if (m.role === "assistant") {
      const calls = (m.tool_calls ?? []).map((c) => ({ id: c.id, name: c.function.name, args: parseArgs(c.function.arguments) }));
      for (const c of calls) names.set(c.id, c.name);
      turns.push({ role: "assistant", text: textOf(m.content), calls, source: m });
    } else {
      turns.push({ role: "tool", text: textOf(m.content), callId: m.tool_call_id, name: names.get(m.tool_call_id) ?? null });
    }
  }
  return { system: systems.length > 0 ? systems.join("\n\n") : null, turns };
}

/** The message for a user or assistant turn: the app's own object when its text is unchanged. */
export function plain(turn: Extract<Turn, { role: "user" | "assistant" }>, text: string): ChatCompletionMessageParam {
  const s = turn.source;
  if (typeof s.content === "string" && s.content === text && !("name" in s && s.name !== undefined) && !("tool_calls" in s && s.tool_calls)) {
    return s;
  }
  return { role: turn.role, content: text };
}

/**
 * Serializes like Python's `json.dumps` (`ensure_ascii=False`), which is what Hugging Face
 * templates' `tojson` filter calls: `", "` and `": "` between items, or with `indent` one item
 * per line and `","` at line ends. Keys keep their order, as Python dicts do.
 */
export function pyJson(value: unknown, indent?: number, depth = 0): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  const pad = indent === undefined ? "" : "\n" + " ".repeat(indent * (depth + 1));
  const close = indent === undefined ? "" : "\n" + " ".repeat(indent * depth);
  const sep = indent === undefined ? ", " : ",";
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    return "[" + value.map((v) => pad + pyJson(v, indent, depth + 1)).join(sep) + close + "]";
  }
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return "{}";
  return "{" + entries.map(([k, v]) => pad + JSON.stringify(k) + ": " + pyJson(v, indent, depth + 1)).join(sep) + close + "}";
}

/** Arguments as a JSON text for a call written into history (Python separators). */
export function argsJson(args: unknown): string {
  return typeof args === "string" ? JSON.stringify(args) : pyJson(args);
}

/** A tool result's content as a JSON value when it is JSON text, for templates that `tojson` it. */
export function resultJson(text: string): string {
  try {
    return pyJson(JSON.parse(text));
  } catch {
    return JSON.stringify(text);
  }
}

/** The tools the prompt offers: none when `tool_choice` is `"none"`, so nothing invites a call. */
export function offered(input: RenderInput): ChatCompletionTool[] {
  return input.toolChoice === "none" ? [] : input.tools;
}

/** The function definitions of the offered tools. */
export function functionsOf(input: RenderInput): FunctionDefinition[] {
  return offered(input).map((t) => t.function);
}

/**
 * Plain-text cues for `tool_choice` and `parallel_tool_calls`, in addition to the grammar that
 * enforces them where the backend supports grammars. Empty for `"auto"` with parallel calls, so
 * the default prompt is exactly the family's trained text. `parallel` is false for families that
 * can only make one call, which need no cue for it.
 */
export function choiceCue(input: RenderInput, parallel = true): string {
  const cues: string[] = [];
  const choice = input.toolChoice;
  if (choice === "required") cues.push("You must call at least one function.");
  if (typeof choice === "object") cues.push(`You must call the function "${choice.function.name}".`);
  if (!input.parallelToolCalls && parallel && choice !== "none") cues.push("Call at most one function in your reply.");
  return cues.join(" ");
}

/** Joins non-empty parts with a separator. */
export function joinParts(parts: readonly (string | null | undefined)[], sep: string): string {
  return parts.filter((p): p is string => typeof p === "string" && p !== "").join(sep);
}

/** Groups consecutive tool turns, which most templates write as one block. */
export function groupTools(turns: readonly Turn[]): (Turn | Extract<Turn, { role: "tool" }>[])[] {
  const out: (Turn | Extract<Turn, { role: "tool" }>[])[] = [];
  for (const t of turns) {
    const last = out[out.length - 1];
    if (t.role === "tool" && Array.isArray(last)) last.push(t);
    else out.push(t.role === "tool" ? [t] : t);
  }
  return out;
}
