import { beforeAll, describe, expect, test } from "vitest";
import { jsonObjectGrammar, toolCallGrammar, toolCallStructuralTag } from "../../src/tools/grammar.js";
import { callObject, families, pyJSON, reply, tools } from "./grammar-fixtures.js";
import { compileBuiltinJSON, compileEBNF, compileSchema, compileTag, type Matcher } from "./grammar-xgrammar.js";

// Every grammar here is compiled by web-xgrammar 0.1.27, the engine WebLLM 0.2.86 bundles, with
// the same calls WebLLM makes (GrammarCompiler.compileGrammar / compileStructuralTag), and the
// compiled matcher is asked about whole replies, ending with the end-of-sequence token.

const weather = { city: "Paris" };
const weatherFull = { city: "Paris", unit: "celsius", days: 3 };

test("the harness reports a grammar xgrammar cannot compile", async () => {
  await expect(compileEBNF('root ::= "a" undefined_rule\n')).rejects.toThrow(/Rule "undefined_rule" is not defined/);
});

describe.each(Object.entries(families))("%s", (_family, s) => {
  const valid = reply(s, [["get_weather", weather]]);
  describe("tool_choice required, one call", () => {
    let m: Matcher;
    beforeAll(async () => {
      m = await compileEBNF(toolCallGrammar(s, tools, "required", false) as string);
    });
    test.each([
      ["minimal arguments", valid],
      ["every argument", reply(s, [["get_weather", weatherFull]])],
      ["compact JSON", reply(s, [["get_weather", weatherFull]], JSON.stringify)],
      ["pretty-printed arguments", reply(s, [["add", { terms: [1, 2.5] }]], (v) => JSON.stringify(v, null, 2))],
      ["a tool without parameters", reply(s, [["now", {}]])],
      ["escapes in a string", reply(s, [["get_weather", { city: 'Saint-"Ã©"\n\\ \u00e9 \ud83d\ude00' }]])],
    ])("accepts %s", (_name, text) => {
      expect(m.accepts(text)).toBe(true);
    });
    test.each([
      ["an unknown name", reply(s, [["get_wether", weather]])],
      ["a missing required argument", reply(s, [["get_weather", { unit: "celsius" }]])],
      ["an undeclared argument (additionalProperties false)", reply(s, [["get_weather", { city: "P", country: "FR" }]])],
      ["an argument off its enum", reply(s, [["get_weather", { city: "P", unit: "kelvin" }]])],
      ["a string for an integer", reply(s, [["get_weather", { city: "P", days: "3" }]])],
      ["a fraction for an integer", reply(s, [["get_weather", { city: "P", days: 2.5 }]])],
      ["too few items (minItems)", reply(s, [["add", { terms: [1] }]])],
      ["arguments for a tool that takes none", reply(s, [["now", { x: 1 }]])],
      ["arguments that are not an object", reply(s, [["now", []]])],
      ["text before the call", `Sure! ${valid}`],
      ["a newline before the call", `\n${valid}`],
      ["trailing text", `${valid} done`],
      ["a trailing newline", `${valid}\n`],
      ["no call at all", "It is sunny."],
      ["an empty reply", ""],
      ["two calls", s.list ? reply(s, [["now", {}], ["now", {}]]) : `${valid}${s.separator}${valid}`],
      ["endless whitespace", valid.replace('"Paris"', `${" ".repeat(40)}"Paris"`)],
      ["blank lines", valid.replace('"Paris"', '\n\n"Paris"')],
      ["a raw newline in a string", reply(s, [["get_weather", { city: "Pa" }]]).replace("Pa", "P\na")],
      ["keys in another order", s.list ? `${s.begin}[${JSON.stringify({ [s.argsKey]: weather, [s.nameKey]: "get_weather" })}]${s.end}` : `${s.begin}${JSON.stringify({ [s.argsKey]: weather, [s.nameKey]: "get_weather" })}${s.end}`],
    ])("rejects %s", (_name, text) => {
      expect(m.accepts(text)).toBe(false);
    });
    test("a prefix is not a whole reply", () => {
      expect(m.prefix(valid.slice(0, -2))).toBe(true);
      expect(m.accepts(valid.slice(0, -2))).toBe(false);
    });
  });

  test("tool_choice required with parallel calls: one or more", async () => {
    const m = await compileEBNF(toolCallGrammar(s, tools, "required", true) as string);
    expect(m.accepts(valid)).toBe(true);
    expect(m.accepts(reply(s, [["get_weather", weather], ["now", {}], ["add", { terms: [1, 2] }]]))).toBe(true);
    expect(m.accepts(reply(s, [["get_weather", weather], ["nope", {}]]))).toBe(false);
    expect(m.accepts(s.list ? `${s.begin}[]${s.end}` : "")).toBe(false);
  });

  test("a named function: only that one, once, even with parallel calls allowed", async () => {
    const named = { type: "function" as const, function: { name: "now" } };
    const m = await compileEBNF(toolCallGrammar(s, tools, named, true) as string);
    expect(m.accepts(reply(s, [["now", {}]]))).toBe(true);
    expect(m.accepts(valid)).toBe(false);
    expect(m.accepts(reply(s, [["now", {}], ["now", {}]]))).toBe(false);
  });

  test("tool_choice auto: text stays free, a call once begun is held to the schema", async () => {
    const tag = toolCallStructuralTag(s, tools, false);
    if (tag === null) throw new Error("no structural tag");
    const m = await compileTag(tag);
    expect(m.accepts("It is sunny in Paris, no tool needed.")).toBe(true);
    expect(m.accepts("")).toBe(true);
    expect(m.accepts(valid)).toBe(true);
    expect(m.accepts(`Let me check. ${valid}`)).toBe(true);
    expect(m.accepts(reply(s, [["get_wether", weather]]))).toBe(false);
    expect(m.accepts(reply(s, [["get_weather", { unit: "celsius" }]]))).toBe(false);
    // Without parallel calls, the reply ends with the first call.
    expect(m.accepts(`${valid} and more`)).toBe(false);
    expect(m.accepts(s.list ? reply(s, [["now", {}], ["now", {}]]) : `${valid}${s.separator}${valid}`)).toBe(false);
  });

  test("tool_choice auto with parallel calls", async () => {
    const m = await compileTag(toolCallStructuralTag(s, tools, true) as object);
    if (s.list) expect(m.accepts(reply(s, [["now", {}], ["get_weather", weather]]))).toBe(true);
    else expect(m.accepts(`${valid}${s.separator}${reply(s, [["now", {}]])}`)).toBe(true);
  });
});

test("the Llama tag opens at {\"name\", so other JSON in free text is left alone", async () => {
  const m = await compileTag(toolCallStructuralTag(families.llama!, tools, false) as object);
  expect(m.accepts('Here is JSON: {"city": "Paris"}')).toBe(true);
  expect(m.accepts(`x ${callObject(families.llama!, "now", {})}`)).toBe(true);
  expect(m.accepts('{"name": "now", "arguments": {}}')).toBe(false);
});

describe("json_object", () => {
  let m: Matcher;
  beforeAll(async () => {
    m = await compileEBNF(jsonObjectGrammar());
  });
  test.each([
    ["an empty object", "{}"],
    ["a flat object", '{"a": 1, "b": "x", "c": true, "d": null}'],
    ["nested values", pyJSON({ a: [1, { b: [] }, -0.5e-3], c: { d: "\u00e9\"" } })],
    ["pretty-printed", JSON.stringify({ a: [1, { b: [2] }], c: {} }, null, 2)],
    ["tab-indented", JSON.stringify({ a: { b: 1 } }, null, "\t")],
  ])("accepts %s", (_name, text) => {
    expect(m.accepts(text)).toBe(true);
  });
  test.each([
    ["a top-level array", "[1, 2]"],
    ["a top-level string", '"x"'],
    ["trailing garbage", '{"a": 1} ok'],
    ["two objects", "{}{}"],
    ["leading whitespace", " {}"],
    ["endless whitespace", `{${" ".repeat(33)}}`],
    ["blank lines", '{\n\n"a": 1}'],
    ["a trailing comma", '{"a": 1,}'],
    ["a single-quoted key", "{'a': 1}"],
    ["a leading zero", '{"a": 01}'],
    ["an unfinished object", '{"a": 1'],
  ])("rejects %s", (_name, text) => {
    expect(m.accepts(text)).toBe(false);
  });
});

describe("why json_object needs our grammar", () => {
  test("WebLLM 0.2.86 compiles a bare json_object as compileJSONSchema(undefined), which xgrammar refuses", async () => {
    // lib/index.js (0.2.86): `responseFormat.type === "json_object" ? compileJSONSchema(responseFormat.schema)`.
    await expect(compileSchema(undefined)).rejects.toThrow(/Cannot pass non-string to std::string/);
  });
  test("xgrammar's built-in JSON grammar (0.2.79's json_object) takes an array and endless whitespace", async () => {
    const builtin = await compileBuiltinJSON();
    expect(builtin.accepts("[1, 2]")).toBe(true);
    expect(builtin.accepts(`{${" ".repeat(200)}}`)).toBe(true);
    const ours = await compileEBNF(jsonObjectGrammar());
    expect(ours.accepts("[1, 2]")).toBe(false);
    expect(ours.accepts(`{${" ".repeat(200)}}`)).toBe(false);
  });
  test("so does xgrammar's converter for a schema (the json_schema rewrite): any whitespace", async () => {
    const m = await compileSchema(tools[0]!.function.parameters);
    expect(m.accepts(`{${"\n".repeat(100)}"city": "x"}`)).toBe(true);
  });
});
