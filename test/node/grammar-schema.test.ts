import { describe, expect, test } from "vitest";
import { BadRequestError } from "../../src/errors/classes.js";
import { checkSchema } from "../../src/tools/schema-check.js";
import { compileSchema } from "./grammar-xgrammar.js";

const obj = (properties: Record<string, unknown>, required: string[] = []) => ({ type: "object", properties, required });

// Real object cycles, as structured-clone data can carry them (JSON cannot).
const selfContaining: Record<string, unknown> = { type: "object", properties: {} };
(selfContaining.properties as Record<string, unknown>).self = selfContaining;
const cyclicItems: Record<string, unknown> = { type: "array" };
cyclicItems.items = cyclicItems;
let deep: Record<string, unknown> = { type: "string" };
for (let i = 0; i < 70; i++) deep = { type: "object", properties: { d: deep } };
const cyclicEnumValue: Record<string, unknown> = {};
cyclicEnumValue.me = cyclicEnumValue;

// Schemas that xgrammar (the grammar engine inside WebLLM) throws on, so WebLLM would fail the
// request after queueing and loading; checkSchema must refuse each first. The last test below
// compiles every row with the real xgrammar to show that it does throw on them.
const ENGINE_REFUSES: [string, unknown, string, string][] = [
  ["pattern with a lookbehind", obj({ s: { type: "string", pattern: "(?<=a)b" } }), "#/properties/s/pattern", "a lookbehind"],
  ["pattern with a negative lookahead", obj({ s: { type: "string", pattern: "a(?!b)" } }), "#/properties/s/pattern", "a lookahead"],
  ["pattern with a backreference", obj({ s: { type: "string", pattern: "(a)\\1" } }), "#/properties/s/pattern", "a backreference"],
  ["pattern with a word boundary", obj({ s: { type: "string", pattern: "\\bword\\b" } }), "#/properties/s/pattern", "a word boundary"],
  ["pattern with a Unicode property", obj({ s: { type: "string", pattern: "\\p{L}+" } }), "#/properties/s/pattern", "a Unicode property class"],
  ["pattern with inline flags", obj({ s: { type: "string", pattern: "(?i:abc)" } }), "#/properties/s/pattern", "inline flags"],
  ["pattern not closed", obj({ s: { type: "string", pattern: "(ab" } }), "#/properties/s/pattern", "not a valid regular expression"],
  ["pattern class out of order", obj({ s: { type: "string", pattern: "[z-a]" } }), "#/properties/s/pattern", "not a valid regular expression"],
  ["pattern quantifier {,3}", obj({ s: { type: "string", pattern: "a{,3}" } }), "#/properties/s/pattern", "not a valid regular expression"],
  ["integer minimum above maximum", obj({ n: { type: "integer", minimum: 5, maximum: 1 } }), "#/properties/n", "no integer lies"],
  ["number minimum above maximum", obj({ n: { type: "number", minimum: 5, maximum: 1 } }), "#/properties/n", "no number lies"],
  ["integer in (5, 5]", obj({ n: { type: "integer", exclusiveMinimum: 5, maximum: 5 } }), "#/properties/n", "no integer lies"],
  ["minLength above maxLength", obj({ s: { type: "string", minLength: 3, maxLength: 1 } }), "#/properties/s", "'minLength' is larger"],
  ["minProperties above maxProperties", obj({ o: { type: "object", minProperties: 3, maxProperties: 1 } }), "#/properties/o", "'minProperties' is larger"],
];

// Each row: a name, a schema, where the message must say the fault is, and a word of the reason.
const invalid: [string, unknown, string, string][] = [
  ["type nonsense", { type: "nonsense" }, "#/type", "must be one of"],
  ["nested type nonsense", obj({ a: { type: "nonsense" } }), "#/properties/a/type", "must be one of"],
  ["type list empty", { type: [] }, "#/type", "must be one of"],
  ["type list repeats", obj({ a: { type: ["string", "string"] } }), "#/properties/a/type", "must be one of"],
  ["schema is a string", "object", "#", "must be a JSON object"],
  ["schema is an array", [{ type: "object" }], "#", "must be a JSON object"],
  ["schema is null", null, "#", "must be a JSON object"],
  ["schema is true", true, "#", "must be a JSON object"],
  ["root is a string schema", { type: "string" }, "#", "type 'object'"],
  ["root may be null", { type: ["object", "null"] }, "#", "type 'object'"],
  ["root is anyOf", { anyOf: [{ type: "object" }] }, "#", "type 'object'"],
  ["root $ref to a string", { $ref: "#/$defs/S", $defs: { S: { type: "string" } } }, "#/$defs/S", "type 'object'"],
  ["object contains itself", selfContaining, "#/properties/self", "contains itself"],
  ["items contain themselves", obj({ list: cyclicItems }), "#/properties/list/items", "contains itself"],
  ["$ref goes nowhere", obj({ a: { $ref: "#/$defs/Missing" } }), "#/properties/a/$ref", "does not resolve"],
  ["$ref to another document", obj({ a: { $ref: "https://example.com/a.json" } }), "#/properties/a/$ref", "does not resolve"],
  ["$ref into the prototype", obj({ a: { $ref: "#/constructor" } }), "#/properties/a/$ref", "does not resolve"],
  ["$ref to a non-schema", obj({ a: { $ref: "#/required" } }, ["a"]), "#/properties/a/$ref", "does not resolve"],
  ["$ref is a number", obj({ a: { $ref: 3 } }), "#/properties/a/$ref", "must be a string"],
  [
    "$ref cycle with no base case",
    { ...obj({ a: { $ref: "#/$defs/A" } }), $defs: { A: { $ref: "#/$defs/B" }, B: { $ref: "#/$defs/A" } } },
    "#/$defs/A",
    "no finite JSON value",
  ],
  ["required recursion", obj({ next: { $ref: "#" } }, ["next"]), "#", "no finite JSON value"],
  ["required false", obj({ a: false }, ["a"]), "#", "no finite JSON value"],
  ["unused infinite def", { ...obj({}), $defs: { L: { ...obj({ l: { $ref: "#/$defs/L" } }, ["l"]) } } }, "#/$defs/L", "no finite JSON value"],
  ["$ref beside type", obj({ a: { $ref: "#", type: "object" } }), "#/properties/a", "'$ref' cannot be combined with 'type'"],
  ["anyOf beside properties", obj({ a: { anyOf: [{ type: "string" }], properties: {} } }), "#/properties/a", "'anyOf' cannot be combined"],
  ["anyOf empty", obj({ a: { anyOf: [] } }), "#/properties/a/anyOf", "non-empty array"],
  ["allOf of two", obj({ a: { allOf: [{ type: "string" }, { minLength: 1 }] } }), "#/properties/a/allOf", "more than one"],
  ["not", obj({ a: { not: { type: "string" } } }), "#/properties/a", "'not' is not supported"],
  ["if/then/else", obj({ a: { if: {}, then: {} } }), "#/properties/a", "'if' is not supported"],
  ["prefixItems", obj({ a: { type: "array", prefixItems: [{ type: "string" }] } }), "#/properties/a", "'prefixItems'"],
  ["patternProperties", { type: "object", patternProperties: { "^x": {} } }, "#", "'patternProperties'"],
  ["required undeclared", obj({ a: { type: "string" } }, ["b"]), "#/required", "'b' is required but not declared"],
  ["required not a list", { type: "object", properties: {}, required: "a" }, "#/required", "array of property names"],
  ["properties not an object", { type: "object", properties: [] }, "#/properties", "object of schemas"],
  ["property schema is a string", obj({ a: "string" }), "#/properties/a", "object or a boolean"],
  ["items as a tuple", obj({ a: { type: "array", items: [{ type: "string" }] } }), "#/properties/a/items", "tuple form"],
  ["additionalProperties a string", { type: "object", additionalProperties: "no" }, "#/additionalProperties", "must be a schema"],
  ["minItems negative", obj({ a: { type: "array", minItems: -1 } }), "#/properties/a/minItems", "non-negative integer"],
  ["maxLength fractional", obj({ a: { type: "string", maxLength: 1.5 } }), "#/properties/a/maxLength", "non-negative integer"],
  ["minItems above maxItems", obj({ a: { type: "array", minItems: 3, maxItems: 2 } }), "#/properties/a", "'minItems' is larger"],
  ["enum empty", obj({ a: { enum: [] } }), "#/properties/a/enum", "non-empty array"],
  ["enum not a list", obj({ a: { enum: "a" } }), "#/properties/a/enum", "non-empty array"],
  ["enum of the wrong type", obj({ a: { type: "integer", enum: ["a", 1.5] } }), "#/properties/a", "no value of 'enum'"],
  ["const outside enum", obj({ a: { enum: ["a"], const: "b" } }), "#/properties/a", "no value of 'enum'"],
  ["enum value with a cycle", obj({ a: { enum: [cyclicEnumValue] } }), "#/properties/a/enum", "plain JSON"],
  ["nullable not a boolean", obj({ a: { type: "string", nullable: "yes" } }), "#/properties/a/nullable", "must be a boolean"],
  ["bad unused def", { ...obj({}), $defs: { X: { type: "bogus" } } }, "#/$defs/X/type", "must be one of"],
  ["$defs not an object", { ...obj({}), $defs: [] }, "#/$defs", "object of schemas"],
  ["nested 70 levels deep", deep, "#" + "/properties/d".repeat(64), "more than 64 levels"],
  ...ENGINE_REFUSES,
];

const loose = (...k: string[]) => k;
// Near misses of ENGINE_REFUSES that xgrammar compiles (checked below), so checkSchema must take them.
const ENGINE_ACCEPTS: [string, unknown, string[]][] = [
  ["pattern with a named group, a lazy quantifier, classes and escapes", obj({ s: { type: "string", pattern: "^(?<y>\\d{4})-[a-z]{2,3}?\\.\\w+[\\b]$" } }), loose("pattern")],
  ["pattern with a non-capturing group", obj({ s: { type: "string", pattern: "(?:ab)+" } }), loose("pattern")],
  ["integer bounds that hold one value", obj({ n: { type: "integer", minimum: 5, maximum: 5 } }), loose("maximum", "minimum")],
  ["number bounds, open on one side", obj({ n: { type: "number", exclusiveMinimum: 0, maximum: 1 } }), loose("exclusiveMinimum", "maximum")],
];
// Each row: a name, a valid schema, and the LOOSE_KEYWORDS checkSchema reports for it.
const valid: [string, unknown, string[]][] = [
  ["flat object", obj({ city: { type: "string" }, days: { type: "integer" } }, ["city"]), []],
  ["empty schema (any object)", {}, []],
  ["object with no properties", { type: "object" }, []],
  ["root $ref (zod-to-json-schema)", { $ref: "#/definitions/Args", definitions: { Args: obj({ q: { type: "string" } }) } }, []],
  ["recursive tree", { $defs: { N: obj({ kids: { type: "array", items: { $ref: "#/$defs/N" } } }) }, ...obj({ root: { $ref: "#/$defs/N" } }, ["root"]) }, []],
  ["required recursion with a null way out", obj({ next: { anyOf: [{ $ref: "#" }, { type: "null" }] } }, ["next"]), []],
  ["required recursion through a nullable type", obj({ next: { type: ["object", "null"], properties: { n: { $ref: "#" } }, required: ["n"] } }, ["next"]), []],
  ["nullable (OpenAPI)", obj({ a: { type: "string", nullable: true } }), []],
  ["type list", obj({ a: { type: ["string", "number", "null"] } }), []],
  ["enum and const", obj({ u: { type: "string", enum: ["c", "f"] }, v: { const: 3 }, w: { enum: [1, "a", null, { x: [1] }] } }), []],
  ["single allOf (pydantic v1)", { ...obj({ a: { allOf: [{ $ref: "#/definitions/S" }], description: "d" } }), definitions: { S: obj({}) } }, []],
  ["escaped pointers", { ...obj({ a: { $ref: "#/$defs/a~1b" }, b: { $ref: "#/$defs/c%20d" } }), $defs: { "a/b": { type: "string" }, "c d": { type: "number" } } }, []],
  ["pointer into properties", obj({ a: { type: "string" }, b: { $ref: "#/properties/a" } }), []],
  ["booleans as schemas", { ...obj({ any: true, never: false }), additionalProperties: false }, []],
  ["items false", obj({ none: { type: "array", items: false } }), []],
  ["map", { type: "object", additionalProperties: { type: "number" } }, []],
  ["annotations and unknown keywords", { ...obj({ a: { type: "string", title: "A", default: "x", examples: ["y"], "x-vendor": 1 } }), $schema: "https://json-schema.org/draft/2020-12/schema" }, []],
  ...ENGINE_ACCEPTS,
  ["loose keywords reported", obj({ d: { type: "string", format: "date-time", pattern: "^2" }, n: { type: "number", minimum: 0 }, o: { oneOf: [{ type: "string" }, { type: "integer" }] } }), loose("format", "minimum", "oneOf", "pattern")],
];

// The same subschema object used twice is shared, not a cycle: structured clone keeps sharing.
const shared = { type: "string" };
valid.push(["a shared subschema", obj({ a: shared, b: { type: "array", items: shared } }), []]);

describe("checkSchema refuses", () => {
  test.each(invalid)("%s", (_name, schema, at, why) => {
    let err: unknown;
    try {
      checkSchema(schema, "tools[2].function.parameters");
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(BadRequestError);
    const e = err as BadRequestError;
    expect(e.status).toBe(400);
    expect(e.param).toBe("tools[2].function.parameters");
    expect(e.message).toContain(`in 'tools[2].function.parameters' at '${at}':`);
    expect(e.message).toContain(why);
  });
});

describe("checkSchema accepts", () => {
  test.each(valid)("%s", (_name, schema, looseKeywords) => {
    expect(checkSchema(schema, "response_format")).toEqual(looseKeywords);
  });
});

test("the param is passed through as given", () => {
  expect(() => checkSchema({ type: "nonsense" }, "response_format")).toThrow(
    expect.objectContaining({ name: "BadRequestError", param: "response_format", type: "invalid_request_error" }),
  );
});

describe("the grammar engine agrees (xgrammar 0.1.27, as WebLLM 0.2.86 bundles it)", () => {
  test.each(ENGINE_REFUSES)("it throws on: %s", async (_name, schema) => {
    await expect(compileSchema(schema as object)).rejects.toThrow();
  });
  test.each(ENGINE_ACCEPTS)("it compiles: %s", async (_name, schema) => {
    await expect(compileSchema(schema as object)).resolves.toBeDefined();
  });
});
