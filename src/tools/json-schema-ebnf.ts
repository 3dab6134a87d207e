import { literal, RuleSet } from "./ebnf.js";
import { inferTypes, isRecord, listedValues, resolveRef, type SchemaNode } from "./schema-ref.js";

/**
 * The most spaces or tabs allowed in one gap between JSON tokens, after at most one newline.
 * WebLLM's own JSON grammars allow `[ \n\t]*` in every gap, and a small or random model, once
 * it starts on whitespace, can emit it until `max_tokens`. One newline plus this much
 * indentation still fits pretty-printed JSON eight levels deep at four spaces per level.
 */
export const MAX_INDENT = 32;

/**
 * Counts up to this are written out rather than as xgrammar's `{lo,hi}` range. The range syntax
 * is newer than some xgrammar builds: WebLLM 0.2.79's aborts on it inside a promise that never
 * settles, so the request waits for ever. Written out, the grammars pagellm needs for JSON mode
 * and tool calls compile on both; a longer range (a schema's `maxLength: 500`) keeps the syntax.
 */
const SPELL_OUT = 64;

/** Digits allowed in a number's integer part, fraction and exponent: more than a double holds. */
const DIGITS = { int: 16, frac: 16, exp: 3 } as const;

/** Rules that every grammar shares, by name; each is written into a grammar only when used. */
const HELPERS = {
  ws: `${repeat("[ \\t]", 0, MAX_INDENT)} | "\\n" ${repeat("[ \\t]", 0, MAX_INDENT)}`,
  // One character of a JSON string: anything but a quote, a backslash or a control character,
  // or one of JSON's escapes.
  json_char: String.raw`[^"\\\u0000-\u001f] | "\\" (["\\/bfnrt] | "u" ` + repeat("[0-9a-fA-F]", 4, 4) + ")",
  json_string: String.raw`"\"" json_char* "\""`,
  json_integer: `"-"? ("0" | [1-9] ${repeat("[0-9]", 0, DIGITS.int - 1)})`,
  json_number: `json_integer ("." ${repeat("[0-9]", 1, DIGITS.frac)})? ([eE] ("+" | "-")? ${repeat("[0-9]", 1, DIGITS.exp)})?`,
  json_value: `json_object | json_array | json_string | json_number | "true" | "false" | "null"`,
  json_member: `json_string ws ":" ws json_value`,
  json_object: `"{" ws (json_member (ws "," ws json_member)* ws)? "}"`,
  json_array: `"[" ws (json_value (ws "," ws json_value)* ws)? "]"`,
} as const;

/** The name of a shared rule. */
export type Helper = keyof typeof HELPERS;

/** Which helpers each helper uses, so that asking for one defines what it needs. */
const USES: Partial<Record<Helper, Helper[]>> = {
  json_string: ["json_char"],
  json_number: ["json_integer"],
  json_value: ["json_object", "json_array", "json_string", "json_number"],
  json_member: ["json_string", "ws", "json_value"],
  json_object: ["ws", "json_member"],
  json_array: ["ws", "json_value"],
};

/**
 * `atom` repeated `lo` to `hi` times (unbounded when undefined), in xgrammar's EBNF. `atom` must be
 * one element: a rule name, a character class, a literal or a parenthesized group. Up to
 * `SPELL_OUT`, a bounded tail is nested optionals, `(a (a)?)?`, which match each count one way.
 */
export function repeat(atom: string, lo: number, hi: number | undefined): string {
  if (Math.max(lo, hi ?? 0) > SPELL_OUT) return hi === undefined ? `${atom}{${lo},}` : lo === hi ? `${atom}{${lo}}` : `${atom}{${lo},${hi}}`;
  const head = Array.from({ length: lo }, () => atom);
  if (hi === undefined) return lo === 0 ? `${atom}*` : [...head.slice(1), `${atom}+`].join(" ");
  let tail = "";
  for (let i = 0; i < hi - lo; i++) tail = `(${atom}${tail ? ` ${tail}` : ""})?`;
  return [...head, tail].filter(Boolean).join(" ");
}

/**
 * Turns JSON Schemas (already accepted by `checkSchema`) into rules of one xgrammar EBNF grammar,
 * writing JSON the way models write it: keys in the schema's order, one separator style per gap
 * (`ws`, bounded), and strings, enum values and constants spelled as `JSON.stringify` spells them.
 *
 * Stricter than the schema where a model gains nothing from freedom: declared properties come in
 * declared order; an object that declares `properties` is closed unless `additionalProperties`
 * opens it (as OpenAI's strict mode requires, and as xgrammar's strict mode does); numbers have at
 * most 16 digits in each part and a 3-digit exponent. Looser where EBNF cannot follow: the
 * `LOOSE_KEYWORDS` of `schema-check.ts` are not enforced, `oneOf` acts as `anyOf`, extra keys of
 * an open object may repeat a declared one, and string lengths count UTF-16 surrogate-pair
 * escapes as two characters.
 */
export class JsonGrammar {
  /** The rules written so far; `toString()` gives the grammar text. */
  readonly rules = new RuleSet(Object.keys(HELPERS));
  private readonly names = new Map<unknown, Map<object, string>>();
  private readonly referenced = new Set<string>();

  /** The name of a shared helper rule (`ws`, `json_object`, …), defining it on first use. */
  helper(name: Helper): string {
    if (!this.rules.defined(name)) {
      // Defined before its dependencies, which end the cycle json_value → json_object → json_member → json_value.
      this.rules.set(name, HELPERS[name]);
      for (const dep of USES[name] ?? []) this.helper(dep);
    }
    return name;
  }

  /**
   * The rule for a whole schema document, named after `hint`. With `asObject`, a node that does
   * not say what it is (like `{}`) means an object: tool arguments and JSON mode both are one.
   */
  document(doc: Record<string, unknown>, hint: string, asObject = true): string {
    return this.node(doc, doc, hint, asObject);
  }

  private node(doc: Record<string, unknown>, node: SchemaNode, hint: string, asObject = false): string {
    for (let hops = 0; isRecord(node) && hops < 64; hops++) {
      if (typeof node.$ref === "string") node = resolveRef(doc, node.$ref) as SchemaNode;
      else if (Array.isArray(node.allOf) && node.allOf.length === 1) node = node.allOf[0] as SchemaNode;
      else break;
    }
    if (node === true) return this.helper(asObject ? "json_object" : "json_value");
    if (!isRecord(node)) throw new Error(`unchecked schema at ${hint}`);
    let byNode = this.names.get(doc);
    if (!byNode) this.names.set(doc, (byNode = new Map()));
    const known = byNode.get(node);
    if (known) {
      this.referenced.add(known);
      return known;
    }
    const name = this.rules.fresh(hint);
    // Named before its body is written, so a recursive `$ref` back to it finds this rule.
    byNode.set(node, name);
    const body = this.body(doc, node, name, asObject);
    // A bare string, number, … is the shared helper rule itself; any other body may already be
    // a rule. Either replaces this name only if nothing refers to it yet (no recursion into it).
    const same = Object.hasOwn(HELPERS, body) ? body : this.rules.twin(body);
    if (same !== undefined && !this.referenced.has(name)) {
      this.rules.drop(name);
      byNode.set(node, same);
      return same;
    }
    this.rules.set(name, body);
    return name;
  }

  private body(doc: Record<string, unknown>, node: Record<string, unknown>, name: string, asObject: boolean): string {
    const values = listedValues(node);
    if (values !== null) return values.map((v) => literal(JSON.stringify(v))).join(" | ");
    const branches = node.anyOf ?? node.oneOf;
    if (Array.isArray(branches)) {
      const alts = branches.filter((b) => b !== false).map((b, i) => this.node(doc, b as SchemaNode, `${name}_${i}`));
      if (node.nullable === true) alts.push('"null"');
      return alts.join(" | ");
    }
    const types = inferTypes(node) ?? (asObject ? ["object"] : null);
    if (types === null) return this.helper("json_value");
    const alts = types.map((t) => this.typed(doc, node, name, t));
    return alts.length === 1 ? (alts[0] as string) : alts.map((a) => `(${a})`).join(" | ");
  }

  private typed(doc: Record<string, unknown>, node: Record<string, unknown>, name: string, type: string): string {
    switch (type) {
      case "string": {
        const lo = typeof node.minLength === "number" ? node.minLength : 0;
        const hi = typeof node.maxLength === "number" ? node.maxLength : undefined;
        if (lo === 0 && hi === undefined) return this.helper("json_string");
        return `"\\"" ${repeat(this.helper("json_char"), lo, hi)} "\\""`;
      }
      case "number":
        return this.helper("json_number");
      case "integer":
        return this.helper("json_integer");
      case "boolean":
        return '"true" | "false"';
      case "null":
        return '"null"';
      case "array":
        return this.array(doc, node, name);
      default:
        return this.object(doc, node, name);
    }
  }

  private array(doc: Record<string, unknown>, node: Record<string, unknown>, name: string): string {
    const ws = this.helper("ws");
    const lo = typeof node.minItems === "number" ? node.minItems : 0;
    const hi = typeof node.maxItems === "number" ? node.maxItems : undefined;
    if (node.items === false || hi === 0) return `"[" ${ws} "]"`;
    const item = this.node(doc, (node.items ?? true) as SchemaNode, `${name}_item`);
    const rest = hi === 1 ? "" : ` ${repeat(`(${ws} "," ${ws} ${item})`, Math.max(lo - 1, 0), hi === undefined ? undefined : hi - 1)}`;
    const elements = `${item}${rest}`;
    return lo === 0 ? `"[" ${ws} (${elements} ${ws})? "]"` : `"[" ${ws} ${elements} ${ws} "]"`;
  }

  private object(doc: Record<string, unknown>, node: Record<string, unknown>, name: string): string {
    const ws = this.helper("ws");
    const declared = isRecord(node.properties) ? node.properties : null;
    const required = new Set(Array.isArray(node.required) ? (node.required as string[]) : []);
    // A property whose schema is `false` can never appear (the checker refuses one that is required).
    const props = Object.entries(declared ?? {}).filter(([, s]) => s !== false);
    const ap = node.additionalProperties;
    const open = ap === true || isRecord(ap) || (ap === undefined && declared === null);
    if (props.length === 0 && open && !isRecord(ap)) return this.helper("json_object");
    const extra = open ? `${this.helper("json_string")} ${ws} ":" ${ws} ${isRecord(ap) ? this.node(doc, ap, `${name}_extra`) : this.helper("json_value")}` : null;
    const sep = `${ws} "," ${ws}`;
    const extras = extra ? `(${sep} ${extra})*` : "";
    if (props.length === 0) return extra ? `"{" ${ws} (${extra} ${extras} ${ws})? "}"` : `"{" ${ws} "}"`;
    const member = ([key, s]: [string, unknown], i: number) =>
      `${literal(JSON.stringify(key))} ${ws} ":" ${ws} ${this.node(doc, s as SchemaNode, `${name}_${key || i}`)}`;
    const members = props.map(member);
    const isRequired = (k: number) => required.has((props[k] as [string, unknown])[0]);

    // tails[k]: the members from k on, once something has been written, so each comes after a
    // comma; an optional one may be skipped, and extras close the list. A tail with nothing
    // optional after it is inlined; others get a rule, so the text stays linear in the number
    // of properties.
    const tails: string[] = [];
    tails[props.length] = extras;
    let inline = !extra;
    for (let k = props.length - 1; k >= 1; k--) {
      const one = isRequired(k) ? `${sep} ${members[k]}` : `(${sep} ${members[k]})?`;
      const body = `${one} ${tails[k + 1]}`.trim();
      tails[k] = inline ? body : this.rule(`${name}_tail${k}`, body);
      inline &&= isRequired(k);
    }
    // The first member written is one of the leading optional ones, or the first required one.
    const firsts: string[] = [];
    for (let k = 0; k < props.length; k++) {
      firsts.push(`${members[k]} ${tails[k + 1]}`.trim());
      if (isRequired(k)) break;
    }
    const canBeEmpty = !props.some((_, k) => isRequired(k));
    if (canBeEmpty && extra) firsts.push(`${extra} ${extras}`);
    const list = firsts.length === 1 ? (firsts[0] as string) : this.rule(`${name}_members`, firsts.map((f) => `(${f})`).join(" | "));
    return canBeEmpty ? `"{" ${ws} (${list} ${ws})? "}"` : `"{" ${ws} ${list} ${ws} "}"`;
  }

  private rule(hint: string, body: string): string {
    const same = this.rules.twin(body);
    if (same !== undefined) return same;
    const name = this.rules.fresh(hint);
    this.rules.set(name, body);
    return name;
  }
}
