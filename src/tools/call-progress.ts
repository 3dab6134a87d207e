import type { ChatCompletionTool } from "../openai/chat.js";
import type { CallSyntax } from "./format.js";
import { canonPrefix, valueEnd } from "./json-scan.js";
import { xmlValue } from "./qwen35.js";

/**
 * What is known so far of one call inside a block that is still arriving: its name once whole,
 * and the canonical text of its arguments so far (`null` while they cannot be streamed yet, or
 * at all: arguments written as a JSON string are only known once the block parses).
 */
export interface CallProgress {
  name: string | null;
  args: string | null;
}

const skipWs = (t: string, i: number): number => {
  while (i < t.length && /\s/.test(t[i] ?? "")) i++;
  return i;
};

/** End of the JSON string at `i`, -1 while it is open. */
function strEnd(t: string, i: number): number {
  for (let j = i + 1; j < t.length; j++) {
    if (t[j] === "\\") j++;
    else if (t[j] === '"') return j + 1;
  }
  return -1;
}

/** End of any JSON value at `i`, -1 while it is open, -2 when it is not one. */
function skipValue(t: string, i: number): number {
  const c = t[i];
  if (c === "{" || c === "[") return valueEnd(t, i);
  if (c === '"') return strEnd(t, i);
  const m = /^[-\w.+]+/.exec(t.slice(i));
  if (!m) return -2;
  return i + m[0].length >= t.length ? -1 : i + m[0].length;
}

/** Walks one call object at `i` into `item`; returns its end, or a negative number to stop. */
function walkObject(t: string, i: number, syntax: CallSyntax, item: CallProgress): number {
  i++;
  for (;;) {
    i = skipWs(t, i);
    const c = t[i];
    if (c === undefined) return -1;
    if (c === "}") return i + 1;
    if (c === ",") {
      i++;
      continue;
    }
    if (c !== '"') return -2;
    const kEnd = strEnd(t, i);
    if (kEnd < 0) return -1;
    const key = JSON.parse(t.slice(i, kEnd)) as string;
    i = skipWs(t, kEnd);
    if (t[i] !== ":") return t[i] === undefined ? -1 : -2;
    i = skipWs(t, i + 1);
    if (i >= t.length) return -1;
    if (key === syntax.argsKey && t[i] !== '"') item.args = canonPrefix(t, i).out;
    const end = skipValue(t, i);
    if (end < 0) return end;
    if (key === syntax.nameKey && t[i] === '"') item.name = JSON.parse(t.slice(i, end)) as string;
    i = end;
  }
}

/** Progress of the calls in a JSON block whose value starts at `from`. */
function jsonProgress(t: string, from: number, syntax: CallSyntax): CallProgress[] {
  const items: CallProgress[] = [];
  let i = skipWs(t, from);
  if (t[i] === "{") {
    const item: CallProgress = { name: null, args: null };
    items.push(item);
    walkObject(t, i, syntax, item);
    return items;
  }
  if (t[i] !== "[") return items;
  i++;
  for (;;) {
    i = skipWs(t, i);
    if (t[i] === ",") {
      i++;
      continue;
    }
    if (t[i] !== "{") return items;
    const item: CallProgress = { name: null, args: null };
    items.push(item);
    const end = walkObject(t, i, syntax, item);
    if (end < 0) return items;
    i = end;
  }
}

/** Progress of a Qwen3.5 XML block: arguments as JSON built from the parameters closed so far. */
function xmlProgress(t: string, tools: readonly ChatCompletionTool[] | undefined): CallProgress[] {
  const head = /^<tool_call>\s*<function=([^>\s]+)>\s*/.exec(t);
  if (!head) return [];
  const name = head[1] ?? "";
  const params = tools?.find((x) => x.function.name === name)?.function.parameters as
    | { properties?: Record<string, { type?: unknown }> }
    | undefined;
  let body = t.slice(head[0].length);
  let args = "";
  for (;;) {
    const p = /^<parameter=([^>\s]+)>\n?([\s\S]*?)\n?<\/parameter>\s*/.exec(body);
    if (!p) break;
    const key = p[1] ?? "";
    const value = xmlValue(p[2] ?? "", params?.properties?.[key]?.type);
    args += (args === "" ? "{" : ",") + JSON.stringify(key) + ":" + JSON.stringify(value);
    body = body.slice(p[0].length);
  }
  if (body.startsWith("</function>")) args = args === "" ? "{}" : args + "}";
  return [{ name, args: args === "" ? null : args }];
}

/**
 * The calls of a block so far, for trusted (grammar-constrained) streaming. `start` is where the
 * block's value begins (after the opener); the block text starts with the opener.
 */
export function blockProgress(t: string, start: number, opener: string, syntax: CallSyntax, tools?: readonly ChatCompletionTool[]): CallProgress[] {
  const body = syntax.body ?? "json";
  if (body === "xml") return xmlProgress(t, tools);
  if (body === "json") return jsonProgress(t, start, syntax);
  const marker = t.indexOf(syntax.argsMarker ?? "", opener.length);
  if (marker < 0) return [];
  const from = marker + (syntax.argsMarker ?? "").length;
  return [{ name: t.slice(opener.length, marker), args: t[skipWs(t, from)] === "{" ? canonPrefix(t, from).out : null }];
}
