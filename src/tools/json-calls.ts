import type { ParsedCall, ToolFormat } from "./format.js";
import { tryJson, valueEnd } from "./json-scan.js";

/** Where a call opens in text: the opener's index and which opener it is. */
export interface OpenerHit {
  index: number;
  opener: string;
}

/** Whether an opener is the value's own first character (`{`, `[`) rather than a marker before it. */
export const isBracket = (opener: string): boolean => opener === "{" || opener === "[";

/**
 * The first opener in `text`. Marker openers count anywhere; `leadingOpeners` count only when
 * `atStart` and nothing but whitespace comes before them. The earliest wins; at one position
 * the longest, so `<|python_tag|>` beats nothing and `[TOOL_CALLS]` beats `[`.
 */
export function findOpener(text: string, format: Pick<ToolFormat, "openers" | "leadingOpeners">, atStart: boolean): OpenerHit | null {
  let best: OpenerHit | null = null;
  const consider = (index: number, opener: string): void => {
    if (index < 0) return;
    if (!best || index < best.index || (index === best.index && opener.length > best.opener.length)) best = { index, opener };
  };
  for (const o of format.openers) {
    if (!format.leadingOpeners.includes(o)) consider(text.indexOf(o), o);
  }
  if (atStart) {
    const first = text.search(/\S/);
    for (const o of format.leadingOpeners) if (first >= 0 && text.startsWith(o, first)) consider(first, o);
  }
  return best;
}

/**
 * One call from a parsed JSON object: the name under `nameKey`, the arguments under the first
 * of `argsKeys` present. Arguments must be an object, or a string holding a JSON object, which
 * is kept as written; absent arguments are `{}`. Anything else is not a call.
 */
export function callFrom(item: unknown, nameKey: string, argsKeys: readonly string[]): ParsedCall | null {
  if (typeof item !== "object" || item === null || Array.isArray(item)) return null;
  const obj = item as Record<string, unknown>;
  const name = obj[nameKey];
  if (typeof name !== "string" || name.trim() === "") return null;
  const key = argsKeys.find((k) => k in obj);
  const args = key === undefined ? {} : obj[key];
  return argsCall(name, args);
}

/** A call with these arguments, or null when they are not an object (or JSON text of one). */
export function argsCall(name: string, args: unknown): ParsedCall | null {
  if (typeof args === "string") {
    const inner = tryJson(args);
    return isObject(inner) ? { name, arguments: args } : null;
  }
  return isObject(args) ? { name, arguments: JSON.stringify(args) } : null;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Options of `parseJsonCalls` beyond the format's own syntax. */
export interface JsonCallOptions {
  /** Keys that may hold the arguments, in order of preference. */
  argsKeys: readonly string[];
  /** Also accept objects joined by commas without brackets inside one block (Phi-4-mini). */
  bareList?: boolean;
}

/**
 * Parses blocks of JSON calls (`syntax.body` `"json"`) from the first opener on: each block is
 * an opener, a JSON value (an object, or a list of them), and the end marker when the format
 * has one. Without its end marker a block is the value alone: the call itself is complete, and
 * what follows is text after the calls. Blocks
 * follow one another separated by whitespace or, for formats without a begin marker, by
 * `syntax.separator` (Llama's `; `). Text after the last block is not calls and is ignored. Any
 * block that is not calls makes the whole result null.
 */
export function parseJsonCalls(raw: string, format: Pick<ToolFormat, "openers" | "leadingOpeners" | "syntax">, opts: JsonCallOptions): ParsedCall[] | null {
  const { syntax } = format;
  const endMark = syntax.end.trim();
  const sepMark = syntax.separator.trim();
  let hit = findOpener(raw, format, true);
  if (!hit) return null;
  const calls: ParsedCall[] = [];
  while (hit) {
    const from = isBracket(hit.opener) ? hit.index : hit.index + hit.opener.length;
    const vEnd = valueEnd(raw, from);
    if (vEnd < 0) return null;
    let next = vEnd;
    let inner = raw.slice(from, vEnd);
    const close = endMark ? raw.indexOf(endMark, vEnd) : -1;
    if (close >= 0) {
      next = close + endMark.length;
      inner = raw.slice(from, close);
    }
    let value = tryJson(inner);
    if (value === undefined && opts.bareList) value = tryJson(`[${inner}]`);
    if (value === undefined) return null;
    for (const item of Array.isArray(value) ? value : [value]) {
      const call = callFrom(item, syntax.nameKey, opts.argsKeys);
      if (!call) return null;
      calls.push(call);
    }
    hit = nextBlock(raw, next, format, sepMark);
  }
  return calls;
}

/** The opener of the block that directly follows a block ending at `at`, if one does. */
export function nextBlock(raw: string, at: number, format: Pick<ToolFormat, "openers" | "syntax">, sepMark: string): OpenerHit | null {
  let k = at;
  while (k < raw.length && /\s/.test(raw[k] ?? "")) k++;
  for (const o of format.openers) if (!isBracket(o) && raw.startsWith(o, k)) return { index: k, opener: o };
  if (format.syntax.begin === "" && sepMark && raw.startsWith(sepMark, k)) {
    k += sepMark.length;
    while (k < raw.length && /\s/.test(raw[k] ?? "")) k++;
    if (raw[k] === "{") return { index: k, opener: "{" };
  }
  return null;
}
