import { describe, expect, test } from "vitest";
import { BadRequestError } from "../../src/errors/classes.js";
import { literal } from "../../src/tools/ebnf.js";
import { jsonObjectGrammar, jsonSchemaGrammar, toolCallGrammar, toolCallStructuralTag } from "../../src/tools/grammar.js";
import { TOOL_FORMATS } from "../../src/tools/families.js";
import { families, tools } from "./grammar-fixtures.js";

const lines = (...l: string[]) => l.join("\n") + "\n";
/**
 * `n` optional repeats of `atom`, nested so each count matches one way: `(a (a)?)?`. Bounded
 * repeats are written out like this rather than as `a{0,n}`, which older xgrammar builds
 * (WebLLM 0.2.79's) cannot parse.
 */
const upTo = (atom: string, n: number): string => (n === 0 ? "" : `(${atom}${n > 1 ? ` ${upTo(atom, n - 1)}` : ""})?`);
const SP = upTo(String.raw`[ \t]`, 32);
const WS = String.raw`ws ::= ${SP} | "\n" ${SP}`;
const CHAR = String.raw`json_char ::= [^"\\\u0000-\u001f] | "\\" (["\\/bfnrt] | "u" [0-9a-fA-F] [0-9a-fA-F] [0-9a-fA-F] [0-9a-fA-F])`;
const STRING = String.raw`json_string ::= "\"" json_char* "\""`;
const INTEGER = `json_integer ::= "-"? ("0" | [1-9] ${upTo("[0-9]", 15)})`;
const NUMBER = `json_number ::= json_integer ("." [0-9] ${upTo("[0-9]", 15)})? ([eE] ("+" | "-")? [0-9] ${upTo("[0-9]", 2)})?`;

test.each([
  ["plain", "abc", '"abc"'],
  ["quotes and backslashes", 'a"b\\c', String.raw`"a\"b\\c"`],
  ["newline, return, tab", "\n\r\t", String.raw`"\n\r\t"`],
  ["other control characters, fixed width", "\u0001A\u007f", String.raw`"\u0001A\u007f"`],
  ["non-ASCII stays as it is", "é😀", '"é😀"'],
  ["empty", "", '""'],
])("literal: %s", (_name, text, ebnf) => {
  expect(literal(text)).toBe(ebnf);
});

// Each row: a name, a schema, and the exact grammar text.
const grammars: [string, Record<string, unknown>, string][] = [
  [
    "a required and an optional property, in declared order",
    { type: "object", properties: { a: { type: "string" }, b: { type: "integer" } }, required: ["a"] },
    lines(String.raw`root ::= "{" ws "\"a\"" ws ":" ws json_string (ws "," ws "\"b\"" ws ":" ws json_integer)? ws "}"`, WS, CHAR, STRING, INTEGER),
  ],
  [
    "leading optional properties get a rule of first members",
    { type: "object", properties: { a: { type: "boolean" }, b: { type: "null" } } },
    lines(
      String.raw`root ::= "{" ws (root_members ws)? "}"`,
      WS,
      'root_a ::= "true" | "false"',
      'root_b ::= "null"',
      String.raw`root_members ::= ("\"a\"" ws ":" ws root_a (ws "," ws "\"b\"" ws ":" ws root_b)?) | ("\"b\"" ws ":" ws root_b)`,
    ),
  ],
  [
    "enum items with minItems/maxItems, a nullable type list",
    { type: "object", properties: { tags: { type: "array", items: { enum: ["x", "y"] }, minItems: 1, maxItems: 3 }, n: { type: ["number", "null"] } }, required: ["tags", "n"], additionalProperties: false },
    lines(
      String.raw`root ::= "{" ws "\"tags\"" ws ":" ws root_tags ws "," ws "\"n\"" ws ":" ws root_n ws "}"`,
      WS,
      INTEGER,
      NUMBER,
      'root_tags ::= "[" ws root_tags_item ((ws "," ws root_tags_item) ((ws "," ws root_tags_item))?)? ws "]"',
      String.raw`root_tags_item ::= "\"x\"" | "\"y\""`,
      'root_n ::= (json_number) | ("null")',
    ),
  ],
  [
    "recursion through $ref '#', with a null way out",
    { type: "object", properties: { next: { anyOf: [{ $ref: "#" }, { type: "null" }] } }, required: ["next"] },
    lines(String.raw`root ::= "{" ws "\"next\"" ws ":" ws root_next ws "}"`, WS, "root_next ::= root | root_next_1", 'root_next_1 ::= "null"'),
  ],
  [
    "string lengths, and extra keys whose values follow additionalProperties",
    { type: "object", properties: { s: { type: "string", minLength: 2, maxLength: 5 } }, additionalProperties: { type: "boolean" } },
    lines(
      String.raw`root ::= "{" ws (root_members ws)? "}"`,
      WS,
      CHAR,
      STRING,
      'root_extra ::= "true" | "false"',
      String.raw`root_s ::= "\"" json_char json_char (json_char (json_char (json_char)?)?)? "\""`,
      String.raw`root_members ::= ("\"s\"" ws ":" ws root_s (ws "," ws json_string ws ":" ws root_extra)*) | (json_string ws ":" ws root_extra (ws "," ws json_string ws ":" ws root_extra)*)`,
    ),
  ],
];

test.each(grammars)("json_schema grammar: %s", (_name, schema, ebnf) => {
  expect(jsonSchemaGrammar(schema)).toBe(ebnf);
});

test("json_object: one object, bounded whitespace", () => {
  expect(jsonObjectGrammar()).toBe(
    lines(
      "root ::= json_object",
      WS,
      CHAR,
      STRING,
      INTEGER,
      NUMBER,
      'json_value ::= json_object | json_array | json_string | json_number | "true" | "false" | "null"',
      'json_member ::= json_string ws ":" ws json_value',
      'json_object ::= "{" ws (json_member (ws "," ws json_member)* ws)? "}"',
      'json_array ::= "[" ws (json_value (ws "," ws json_value)* ws)? "]"',
    ),
  );
});

describe("tool-call grammars", () => {
  const now = [tools[2]!];
  const callLines = (argsKey: string) => [
    'now_args ::= "{" ws "}"',
    String.raw`call_now_rest ::= ws ":" ws "\"now\"" ws "," ws "\"${argsKey}\"" ws ":" ws now_args ws "}"`,
    "call_rest ::= call_now_rest",
  ];
  const CALL = String.raw`call ::= "{" ws "\"name\"" call_rest`;

  test("Hermes, required, parallel: blocks joined by the separator", () => {
    expect(toolCallGrammar(families.hermes!, now, "required", true)).toBe(
      lines("root ::= call_block (\"\\n\" call_block)*", WS, ...callLines("arguments"), String.raw`call_block ::= "<tool_call>\n" call "\n</tool_call>"`, CALL),
    );
  });
  test("Phi-4-mini, required, one call: a list of one", () => {
    expect(toolCallGrammar(families.phi4!, now, "required", false)).toBe(
      lines('root ::= "<|tool_call|>" ws "[" ws call ws "]" "<|/tool_call|>"', WS, ...callLines("arguments"), CALL),
    );
  });
  test("Llama, a named function: one bare call, even with parallel calls allowed", () => {
    expect(toolCallGrammar(families.llama!, tools, { type: "function", function: { name: "now" } }, true)).toBe(
      lines("root ::= call", WS, ...callLines("parameters"), CALL),
    );
  });
  test("auto and none force nothing", () => {
    expect(toolCallGrammar(families.hermes!, tools, "auto", true)).toBeNull();
    expect(toolCallGrammar(families.hermes!, tools, "none", true)).toBeNull();
  });
  test("a named function that is not in tools is a 400 on tool_choice", () => {
    expect(() => toolCallGrammar(families.hermes!, tools, { type: "function", function: { name: "nope" } }, false)).toThrow(
      expect.objectContaining({ name: "BadRequestError", param: "tool_choice" }),
    );
  });
  test("a bad parameters schema is a 400 naming that tool", () => {
    const bad = [...tools, { type: "function" as const, function: { name: "x", parameters: { type: "nonsense" } } }];
    expect(() => toolCallGrammar(families.hermes!, bad, "required", false)).toThrow(BadRequestError);
    expect(() => toolCallGrammar(families.hermes!, bad, "required", false)).toThrow(expect.objectContaining({ param: "tools[3].function.parameters" }));
  });
});

describe("structural tags for auto", () => {
  test("Hermes: triggered by the opener without its newline, held to the whole opener", () => {
    const tag = toolCallStructuralTag(families.hermes!, tools, false)!;
    expect(tag.format).toMatchObject({ type: "triggered_tags", triggers: ["<tool_call>"], at_least_one: false, stop_after_first: true });
    expect(tag.format.tags).toHaveLength(1);
    expect(tag.format.tags[0]).toMatchObject({ type: "tag", begin: "<tool_call>\n", end: "\n</tool_call>", content: { type: "grammar" } });
    expect(tag.format.tags[0]!.content.grammar).toMatch(/^root ::= call\n/);
  });
  test("parallel calls loop, except in list families, whose one list holds them", () => {
    expect(toolCallStructuralTag(families.hermes!, tools, true)!.format.stop_after_first).toBe(false);
    const mistral = toolCallStructuralTag(families.mistral!, tools, true)!;
    expect(mistral.format.stop_after_first).toBe(true);
    expect(mistral.format.tags[0]!.content.grammar).toMatch(/^root ::= ws "\[" ws call \(ws "," ws call\)\* ws "\]"\n/);
  });
  test("Llama's bare JSON opens at {\"name\"", () => {
    const tag = toolCallStructuralTag(families.llama!, tools, false)!;
    expect(tag.format.triggers).toEqual(['{"name"']);
    expect(tag.format.tags[0]!.begin).toBe('{"name"');
    expect(tag.format.tags[0]!.content.grammar).toMatch(/^root ::= call_rest\n/);
  });
  test("no tag for a list family with no opener, or for no tools", () => {
    expect(toolCallStructuralTag({ ...families.mistral!, begin: "" }, tools, false)).toBeNull();
    expect(toolCallStructuralTag(families.hermes!, [], false)).toBeNull();
  });
});

// WebLLM 0.2.79's bundled xgrammar aborts on `a{m,n}` ranges ("EBNF parse error ... Expect
// element"), and WebLLM then never answers the request (found by `npm run test:webllm`, where
// json_object waited for ever). The grammars of JSON mode, small schemas and every family's
// tool calls must therefore spell their ranges out.
test("JSON mode, a small schema and every family's tool-call grammar use no {m,n} range", () => {
  const range = /[\])"a-z_]\{\d+(,\d*)?\}/;
  const grammars = [
    jsonObjectGrammar(),
    jsonSchemaGrammar({ type: "object", properties: { s: { type: "string", minLength: 2, maxLength: 5 }, n: { type: "array", items: { type: "number" }, maxItems: 3 } } }),
    ...Object.values(TOOL_FORMATS).flatMap((f) => [
      toolCallGrammar(f.syntax, tools, "required", true),
      toolCallGrammar(f.syntax, tools, { type: "function", function: { name: "get_weather" } }, false),
    ]),
  ];
  for (const g of grammars) expect(g ?? "", g ?? "").not.toMatch(range);
});
