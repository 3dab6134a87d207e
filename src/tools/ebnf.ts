/**
 * Writes text as a string literal of xgrammar's EBNF dialect (the one WebLLM compiles for
 * `response_format: { type: "grammar" }`).
 *
 * xgrammar's lexer (cpp/grammar_parser.cc, `ParseStringToken`) ends a literal at a raw newline
 * and reads C escapes. Its `\x` escape takes hex digits for as long as they last
 * (cpp/support/encoding.h, `ParseNextEscaped`), so `\x41B` would be one code point: control
 * characters are written as fixed-width `\uXXXX` instead. Everything else, non-ASCII included,
 * stays as it is, since the lexer reads UTF-8.
 */
export function literal(text: string): string {
  let out = '"';
  for (const ch of text) {
    if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (ch.charCodeAt(0) < 0x20 || ch === "\u007f") out += "\\u" + ch.charCodeAt(0).toString(16).padStart(4, "0");
    else out += ch;
  }
  return out + '"';
}

/**
 * A grammar under construction: named rules in the order they were first asked for, with `root`
 * printed first so that a reader of the text starts at the top.
 */
export class RuleSet {
  private readonly bodies = new Map<string, string>();
  private readonly names = new Map<string, string>();

  /**
   * @param reserved names kept for rules that are defined only when used (shared helpers such
   *   as `ws`), so that no schema-derived rule takes them first.
   */
  constructor(reserved: readonly string[] = []) {
    for (const name of reserved) this.bodies.set(name, "");
  }

  /**
   * Returns a name no rule uses yet, built from `hint`. Rule names in xgrammar are
   * `[A-Za-z_.-][A-Za-z0-9_.-]*`, and `true`/`false` lex as booleans, so anything else is folded
   * to `_` and a counter keeps names apart.
   */
  fresh(hint: string): string {
    let base = hint.replace(/[^A-Za-z0-9_]/g, "_").replace(/_+/g, "_").replace(/^_|_$/g, "");
    if (base === "" || /^[0-9]/.test(base) || base === "true" || base === "false") base = `r_${base}`;
    let name = base;
    for (let i = 2; this.bodies.has(name); i++) name = `${base}_${i}`;
    // Reserve it now: a recursive schema asks for its own name before its body is known.
    this.bodies.set(name, "");
    return name;
  }

  /** Whether rule `name` has a body (a reserved or fresh name has none yet). */
  defined(name: string): boolean {
    return !!this.bodies.get(name);
  }

  /** Gives up a name that `fresh` reserved and that nothing refers to. */
  drop(name: string): void {
    this.bodies.delete(name);
  }

  /** Defines (or redefines) rule `name` as `body`. */
  set(name: string, body: string): void {
    this.bodies.set(name, body);
    if (!this.names.has(body)) this.names.set(body, name);
  }

  /**
   * The rule already defined with exactly this body, if any. Identical text means an identical
   * language, so sharing it keeps grammars small: tools often repeat the same argument shapes,
   * and compile time grows with the number of rules (with the model's whole vocabulary, in WebLLM).
   */
  twin(body: string): string | undefined {
    return this.names.get(body);
  }

  /** The grammar text, one `name ::= body` line per rule, `root` first; unused reservations are left out. */
  toString(): string {
    const lines: string[] = [];
    const root = this.bodies.get("root");
    if (root) lines.push(`root ::= ${root}`);
    for (const [name, body] of this.bodies) if (name !== "root" && body) lines.push(`${name} ::= ${body}`);
    return lines.join("\n") + "\n";
  }
}
