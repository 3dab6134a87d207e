import type { ParsedCall } from "./format.js";

/**
 * Llama 3.2's pythonic calls, `[get_weather(city="San Francisco", metric="celsius")]`, as its
 * prompt-format guide shows the model answering (meta-llama/llama-models,
 * models/llama3_2/text_prompt_format.md, "Zero shot function calling"). Keyword arguments with
 * Python literals only; anything else (positional arguments, expressions) is not a call.
 */
export function parsePythonic(text: string): ParsedCall[] | null {
  const p = new Reader(text.trim());
  try {
    p.expect("[");
    const calls: ParsedCall[] = [];
    p.ws();
    if (p.peek() === "]") return null;
    for (;;) {
      calls.push(p.call());
      p.ws();
      if (p.eat(",")) continue;
      p.expect("]");
      break;
    }
    p.ws();
    return p.done() ? calls : null;
  } catch {
    return null;
  }
}

class Reader {
  private i = 0;
  constructor(private readonly s: string) {}
  peek(): string {
    return this.s[this.i] ?? "";
  }
  done(): boolean {
    return this.i >= this.s.length;
  }
  ws(): void {
    while (/\s/.test(this.peek()) && !this.done()) this.i++;
  }
  eat(c: string): boolean {
    this.ws();
    if (this.s.startsWith(c, this.i)) {
      this.i += c.length;
      return true;
    }
    return false;
  }
  expect(c: string): void {
    if (!this.eat(c)) throw new Error(`expected ${c}`);
  }
  ident(): string {
    this.ws();
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.s.slice(this.i));
    if (!m) throw new Error("expected a name");
    this.i += m[0].length;
    return m[0];
  }
  call(): ParsedCall {
    let name = this.ident();
    while (this.eat(".")) name += "." + this.ident();
    this.expect("(");
    const args: Record<string, unknown> = {};
    if (!this.eat(")")) {
      for (;;) {
        const key = this.ident();
        this.expect("=");
        args[key] = this.literal();
        if (this.eat(")")) break;
        this.expect(",");
      }
    }
    return { name, arguments: JSON.stringify(args) };
  }
  literal(): unknown {
    this.ws();
    const c = this.peek();
    if (c === '"' || c === "'") return this.str(c);
    if (this.eat("[")) return this.seq("]");
    if (this.eat("{")) {
      const obj: Record<string, unknown> = {};
      if (this.eat("}")) return obj;
      for (;;) {
        const key = this.literal();
        if (typeof key !== "string") throw new Error("dict keys must be strings");
        this.expect(":");
        obj[key] = this.literal();
        if (this.eat("}")) return obj;
        this.expect(",");
      }
    }
    const m = /^(True|False|None|-?\d+(\.\d+)?([eE][+-]?\d+)?)/.exec(this.s.slice(this.i));
    if (!m) throw new Error("expected a literal");
    this.i += m[0].length;
    return m[0] === "True" ? true : m[0] === "False" ? false : m[0] === "None" ? null : Number(m[0]);
  }
  seq(close: string): unknown[] {
    const out: unknown[] = [];
    if (this.eat(close)) return out;
    for (;;) {
      out.push(this.literal());
      if (this.eat(close)) return out;
      this.expect(",");
    }
  }
  str(q: string): string {
    let out = "";
    this.i++;
    const esc: Record<string, string> = { n: "\n", t: "\t", r: "\r", "\\": "\\", "'": "'", '"': '"' };
    while (!this.done()) {
      const c = this.s[this.i++] ?? "";
      if (c === q) return out;
      if (c === "\\") {
        const e = this.s[this.i++] ?? "";
        out += esc[e] ?? "\\" + e;
      } else out += c;
    }
    throw new Error("unterminated string");
  }
}
