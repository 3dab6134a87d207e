/**
 * Small JSON scanners for tool-call text that is still arriving: where a value ends, and the
 * canonical text of a value's prefix. Both are pure functions of the text seen so far.
 */

/** `valueEnd` results besides an end index. */
export const INCOMPLETE = -1;
/** The text cannot be a balanced value. */
export const INVALID = -2;

const CLOSER: Record<string, string> = { "{": "}", "[": "]", "(": ")" };

/**
 * The index just past the balanced value that starts at `from` (after whitespace), which must
 * open with `{` or `[`; `INCOMPLETE` when it has not closed yet, `INVALID` when it cannot be one.
 * Lenient on purpose: it balances brackets and parentheses and skips strings in either quote,
 * so it finds the end of Llama's pythonic `[f(a='x')]` as well as of JSON. Whether the text is
 * a call is for the format's `parse` to say.
 */
export function valueEnd(text: string, from = 0): number {
  let i = from;
  while (i < text.length && /\s/.test(text[i] ?? "")) i++;
  const first = text[i];
  if (first === undefined) return INCOMPLETE;
  if (first !== "{" && first !== "[") return INVALID;
  const stack: string[] = [];
  for (; i < text.length; i++) {
    const c = text[i] ?? "";
    if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < text.length && text[j] !== c) j += text[j] === "\\" ? 2 : 1;
      if (j >= text.length) return INCOMPLETE;
      i = j;
    } else if (c in CLOSER) {
      stack.push(CLOSER[c] ?? "");
    } else if (c === "}" || c === "]" || c === ")") {
      if (stack.pop() !== c) return INVALID;
      if (stack.length === 0) return i + 1;
    }
  }
  return INCOMPLETE;
}

/** What `canonPrefix` makes of the text so far. */
export interface CanonPrefix {
  /** Canonical text of the prefix: grows only by appending as more text arrives. */
  out: string;
  /** Index just past the value once it is complete, else null. */
  end: number | null;
  /** The text is not the prefix of one JSON value. */
  invalid: boolean;
}

type Frame = { kind: "{" | "["; expect: "key" | "colon" | "value" | "next" | "first" };

const SHORT: Record<number, string> = { 8: "\\b", 9: "\\t", 10: "\\n", 12: "\\f", 13: "\\r", 0x22: '\\"', 0x5c: "\\\\" };
const ESCAPES: Record<string, string> = { '"': '\\"', "\\": "\\\\", "/": "/", b: "\\b", f: "\\f", n: "\\n", r: "\\r", t: "\\t" };
const NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;

const hex4 = (s: string): number | null => (/^[0-9a-fA-F]{4}$/.test(s) ? parseInt(s, 16) : null);
const lowerU = (code: number): string => "\\u" + code.toString(16).padStart(4, "0");

/**
 * The canonical form of a JSON value's prefix: what `JSON.stringify(JSON.parse(value))` writes,
 * built only from the part that has arrived, so that fragments streamed from it concatenate to
 * exactly that string. Whitespace between tokens is dropped; numbers and literals appear once
 * whole; string characters appear as they arrive, escapes once complete, in JSON.stringify's own
 * spelling. The one divergence from JSON.stringify: an object keeps duplicate keys and the
 * written key order, where JSON.parse keeps the last duplicate and moves integer-like keys first.
 */
export function canonPrefix(text: string, from = 0): CanonPrefix {
  let out = "";
  const stack: Frame[] = [];
  let started = false;
  const done = (end: number | null, invalid = false): CanonPrefix => ({ out, end, invalid });
  // After a complete scalar or container closes, the enclosing frame moves on.
  const closeValue = (): boolean => {
    const top = stack[stack.length - 1];
    if (top) top.expect = "next";
    return stack.length === 0;
  };
  let i = from;
  while (i < text.length) {
    const c = text[i] ?? "";
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const top = stack[stack.length - 1];
    if (started && !top) return done(i);
    const wantsValue = !top || top.expect === "value" || top.expect === "first";
    if (top?.expect === "colon") {
      if (c !== ":") return done(null, true);
      out += ":";
      top.expect = "value";
      i++;
      continue;
    }
    if (top && (top.expect === "next" || top.expect === "first") && (c === "}" || c === "]")) {
      if ((top.kind === "{") !== (c === "}")) return done(null, true);
      out += c;
      stack.pop();
      i++;
      if (closeValue()) return done(i);
      continue;
    }
    if (top?.expect === "next") {
      if (c !== ",") return done(null, true);
      out += ",";
      top.expect = top.kind === "{" ? "key" : "value";
      i++;
      continue;
    }
    if (top?.expect === "key" || (top?.kind === "{" && top.expect === "first")) {
      if (c !== '"') return done(null, true);
    } else if (!wantsValue) return done(null, true);
    started = true;
    if (c === "{" || c === "[") {
      out += c;
      stack.push({ kind: c, expect: "first" });
      i++;
      continue;
    }
    if (c === '"') {
      const s = scanString(text, i);
      out += s.out;
      if (s.end === null) return done(null, s.invalid);
      i = s.end;
      if (top?.kind === "{" && (top.expect === "key" || top.expect === "first")) top.expect = "colon";
      else if (closeValue()) return done(i);
      continue;
    }
    const m = /^[^\s,:{}[\]"]+/.exec(text.slice(i));
    const token = m?.[0] ?? "";
    if (token === "") return done(null, true);
    if (i + token.length >= text.length) return done(null, false);
    if (token === "true" || token === "false" || token === "null") out += token;
    else if (NUMBER.test(token)) out += JSON.stringify(Number(token));
    else return done(null, true);
    i += token.length;
    if (closeValue()) return done(i);
  }
  return done(null);
}

/** One string token from its opening quote: canonical text so far, and its end when closed. */
function scanString(text: string, start: number): { out: string; end: number | null; invalid: boolean } {
  let out = '"';
  let i = start + 1;
  while (i < text.length) {
    const c = text[i] ?? "";
    const code = c.charCodeAt(0);
    if (c === '"') return { out: out + '"', end: i + 1, invalid: false };
    if (code < 0x20) return { out, end: null, invalid: true };
    if (c !== "\\") {
      // Half a surrogate pair at the end may be completed by the next piece.
      if (code >= 0xd800 && code <= 0xdbff && i + 1 >= text.length) return { out, end: null, invalid: false };
      out += c;
      i++;
      continue;
    }
    const e = text[i + 1];
    if (e === undefined) return { out, end: null, invalid: false };
    if (e !== "u") {
      const mapped = ESCAPES[e];
      if (mapped === undefined) return { out, end: null, invalid: true };
      out += mapped;
      i += 2;
      continue;
    }
    if (i + 6 > text.length) return { out, end: null, invalid: false };
    const unit = hex4(text.slice(i + 2, i + 6));
    if (unit === null) return { out, end: null, invalid: true };
    if (unit >= 0xd800 && unit <= 0xdbff) {
      if (i + 12 > text.length && text.slice(i + 6, i + 8) === "\\u".slice(0, text.length - i - 6)) {
        return { out, end: null, invalid: false };
      }
      const low = text.slice(i + 6, i + 8) === "\\u" ? hex4(text.slice(i + 8, i + 12)) : null;
      if (low !== null && low >= 0xdc00 && low <= 0xdfff) {
        out += String.fromCharCode(unit, low);
        i += 12;
        continue;
      }
      out += lowerU(unit);
    } else if (unit >= 0xdc00 && unit <= 0xdfff) {
      out += lowerU(unit);
    } else {
      out += SHORT[unit] ?? (unit < 0x20 ? lowerU(unit) : String.fromCharCode(unit));
    }
    i += 6;
  }
  return { out, end: null, invalid: false };
}

/** Parses one complete JSON text, or returns undefined when it is not JSON. */
export function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
