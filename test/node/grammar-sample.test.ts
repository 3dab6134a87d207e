import Ajv from "ajv";
import { describe, expect, test } from "vitest";
import { jsonSchemaGrammar, toolCallGrammar } from "../../src/tools/grammar.js";
import type { CallSyntax } from "../../src/tools/format.js";
import { families, tools } from "./grammar-fixtures.js";
import { compileEBNF, compileSchema } from "./grammar-xgrammar.js";

// Soundness, drawn at random: xgrammar samples replies from each grammar token by token (as
// WebLLM does under a grammar, with a one-character vocabulary), and every reply must be JSON
// that ajv finds valid against the schema. Hand-written valid and invalid instances check the
// other direction, and each schema must also compile in xgrammar's own JSON-schema converter,
// which serves WebLLM's `{ type: "json_object", schema }` rewrite of `json_schema`.

const ajv = new Ajv({ strict: false, allowUnionTypes: true });
const SEEDS = Array.from({ length: 12 }, (_, i) => i + 1);

interface Case {
  schema: Record<string, unknown>;
  /** Valid instances, which the grammar must accept. */
  good: unknown[];
  /** Invalid instances, which it must refuse. */
  bad: unknown[];
  /** Valid instances it refuses by design: declared properties close an object, the root is an object (see JsonGrammar). */
  stricter?: unknown[];
  /** Valid instances that xgrammar's own converter refuses (it does not read OpenAPI's `nullable`). */
  xgrammarRefuses?: unknown[];
}

const cases: Record<string, Case> = {
  "flat with an enum and optional keys": {
    schema: tools[0]!.function.parameters!,
    good: [{ city: "Oslo" }, { city: "", unit: "fahrenheit" }, { city: "x", unit: "celsius", days: -2 }],
    bad: [{}, { city: 1 }, { city: "x", unit: "K" }, { city: "x", other: 1 }],
  },
  "nested objects in a bounded list": {
    schema: {
      type: "object",
      properties: {
        people: {
          type: "array",
          minItems: 1,
          maxItems: 2,
          items: { type: "object", properties: { name: { type: "string", minLength: 1, maxLength: 4 }, age: { type: "integer" } }, required: ["name", "age"] },
        },
      },
      required: ["people"],
      additionalProperties: false,
    },
    good: [{ people: [{ name: "Ann", age: 30 }] }, { people: [{ name: "B", age: 0 }, { name: "Cecí", age: 1 }] }],
    bad: [{ people: [] }, { people: [{ name: "", age: 1 }] }, { people: [{ name: "Annabel", age: 1 }] }, { people: [{ name: "A" }] }],
  },
  "a recursive tree": {
    schema: { $defs: { node: { type: "object", properties: { v: { type: "number" }, kids: { type: "array", items: { $ref: "#/$defs/node" } } }, required: ["v"] } }, $ref: "#/$defs/node" },
    good: [{ v: 1 }, { v: 1, kids: [{ v: 2, kids: [] }, { v: 3.5e2 }] }],
    bad: [{ kids: [] }, { v: 1, kids: [{}] }],
  },
  "a linked list ending in null": {
    schema: { type: "object", properties: { value: { type: "string" }, next: { anyOf: [{ $ref: "#" }, { type: "null" }] } }, required: ["value", "next"] },
    good: [{ value: "a", next: null }, { value: "a", next: { value: "b", next: null } }],
    bad: [{ value: "a" }, { value: "a", next: { value: "b" } }],
  },
  "type lists and OpenAPI's nullable": {
    schema: { type: "object", properties: { a: { type: ["string", "integer"] }, b: { type: "boolean", nullable: true } }, required: ["a", "b"] },
    good: [{ a: "x", b: null }, { a: 3, b: true }],
    bad: [{ a: 1.5, b: true }, { a: null, b: false }, { a: "x", b: "no" }],
    xgrammarRefuses: [{ a: "x", b: null }],
  },
  "a map of numbers": {
    schema: { type: "object", additionalProperties: { type: "number" } },
    good: [{}, { x: 1, "y z": -0.25 }],
    bad: [{ x: "1" }, { x: null }],
  },
  "const and a mixed enum": {
    schema: { type: "object", properties: { kind: { const: "point" }, tag: { enum: ["a\"b", 2, null, false] } }, required: ["kind", "tag"] },
    good: [{ kind: "point", tag: "a\"b" }, { kind: "point", tag: null }],
    bad: [{ kind: "line", tag: 2 }, { kind: "point", tag: 3 }],
  },
  "zod-to-json-schema's root $ref, with a single allOf": {
    schema: {
      $ref: "#/definitions/Args",
      definitions: {
        Args: { type: "object", properties: { p: { allOf: [{ $ref: "#/definitions/P" }], description: "d" } }, required: ["p"] },
        P: { type: "object", properties: { x: { type: "number" } }, required: ["x"] },
      },
    },
    good: [{ p: { x: 1 } }],
    bad: [{ p: {} }, { p: { x: "1" } }],
    stricter: [{ p: { x: 1, y: 2 } }],
  },
  // `{}` allows any value, but the root is always an object (tool arguments, JSON mode).
  "any object": { schema: {}, good: [{}, { a: [1, { b: null }] }], bad: [], stricter: [[], "x"] },
};

describe.each(Object.entries(cases))("json_schema: %s", (_name, { schema, good, bad, stricter = [], xgrammarRefuses = [] }) => {
  const validate = ajv.compile(schema);
  test("accepts the valid instances and refuses the invalid ones", async () => {
    const m = await compileEBNF(jsonSchemaGrammar(schema));
    for (const v of [...good, ...stricter]) expect(validate(v), JSON.stringify(v)).toBe(true);
    for (const v of good) {
      expect(m.accepts(JSON.stringify(v)), JSON.stringify(v)).toBe(true);
      expect(m.accepts(JSON.stringify(v, null, 2)), JSON.stringify(v, null, 2)).toBe(true);
    }
    for (const v of bad) {
      expect(validate(v), JSON.stringify(v)).toBe(false);
      expect(m.accepts(JSON.stringify(v)), JSON.stringify(v)).toBe(false);
    }
    for (const v of stricter) expect(m.accepts(JSON.stringify(v)), JSON.stringify(v)).toBe(false);
  });
  test("every reply sampled from the grammar is valid", async () => {
    const m = await compileEBNF(jsonSchemaGrammar(schema));
    let finished = 0;
    for (const seed of SEEDS) {
      const text = await m.sample(seed);
      if (text === null) continue;
      finished++;
      const value: unknown = JSON.parse(text);
      expect(validate(value), `seed ${seed}: ${text}`).toBe(true);
    }
    expect(finished).toBeGreaterThan(SEEDS.length / 2);
  });
  test("xgrammar's own converter (WebLLM's json_object + schema path) compiles it too", async () => {
    const m = await compileSchema(schema);
    const refused = new Set(xgrammarRefuses.map((v) => JSON.stringify(v)));
    for (const v of good) expect(m.accepts(JSON.stringify(v)), JSON.stringify(v)).toBe(!refused.has(JSON.stringify(v)));
  });
});

/** The JSON value at the start of `text` (found by bracket depth outside strings), and what follows it. */
function leadingJSON(text: string): [unknown, string] {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === "\\") i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === "{" || ch === "[") depth++;
    else if ((ch === "}" || ch === "]") && --depth === 0) return [JSON.parse(text.slice(0, i + 1)), text.slice(i + 1)];
  }
  throw new Error(`no JSON value at the start of ${text}`);
}

/** Cuts a reply into its call objects, the way the family writes them, failing on anything else. */
function splitCalls(s: CallSyntax, text: string): unknown[] {
  const take = (prefix: string) => {
    expect(text.startsWith(prefix), text).toBe(true);
    text = text.slice(prefix.length);
  };
  const calls: unknown[] = [];
  for (let first = true; first || text !== ""; first = false) {
    if (!first) take(s.separator);
    take(s.begin);
    const [value, rest] = leadingJSON(text.trimStart());
    calls.push(...(s.list ? (value as unknown[]) : [value]));
    text = rest;
    take(s.end);
  }
  return calls;
}

test.each(Object.entries(families))("every sampled %s call names a tool and has valid arguments", async (_family, s) => {
  const m = await compileEBNF(toolCallGrammar(s, tools, "required", true) as string);
  const byName = new Map(tools.map((t) => [t.function.name, ajv.compile(t.function.parameters ?? { type: "object", properties: {}, additionalProperties: false })]));
  let finished = 0;
  for (const seed of SEEDS) {
    const text = await m.sample(seed, 800);
    if (text === null) continue;
    finished++;
    const calls = splitCalls(s, text);
    for (const call of calls) {
      const c = call as Record<string, unknown>;
      const validate = byName.get(c[s.nameKey] as string);
      expect(validate, text).toBeDefined();
      expect(validate!(c[s.argsKey]), `seed ${seed}: ${text}`).toBe(true);
      expect(Object.keys(c)).toEqual([s.nameKey, s.argsKey]);
    }
  }
  expect(finished).toBeGreaterThan(SEEDS.length / 2);
});
