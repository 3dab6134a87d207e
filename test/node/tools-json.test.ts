/** The JSON helpers the formats share: Python-style serialization and the streaming scanners. */
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { canonPrefix, INCOMPLETE, INVALID, valueEnd } from "../../src/tools/json-scan.js";
import { pyJson } from "../../src/tools/messages.js";
import { mistralId } from "../../src/tools/mistral.js";
import { parsePythonic } from "../../src/tools/pythonic.js";

describe("pyJson writes what Python's json.dumps writes", () => {
  test("separators, nesting, unicode, empty containers", () => {
    // Each right-hand side is json.dumps(value, ensure_ascii=False) as Python prints it.
    expect(pyJson({ a: 1, b: [true, null, "x"], c: {} })).toBe('{"a": 1, "b": [true, null, "x"], "c": {}}');
    expect(pyJson({ city: "Zürich", q: 'say "hi"' })).toBe('{"city": "Zürich", "q": "say \\"hi\\""}');
    expect(pyJson([])).toBe("[]");
    expect(pyJson({ a: [1, { b: 2 }] }, 2)).toBe('{\n  "a": [\n    1,\n    {\n      "b": 2\n    }\n  ]\n}');
  });
});

describe("valueEnd", () => {
  test("finds the end of a balanced value, in JSON or Python", () => {
    expect(valueEnd('  {"a": "}"} tail')).toBe(12);
    expect(valueEnd("[f(a='x]'), g()] tail")).toBe(16);
    expect(valueEnd('{"a": [1, 2')).toBe(INCOMPLETE);
    expect(valueEnd("   ")).toBe(INCOMPLETE);
    expect(valueEnd("hello")).toBe(INVALID);
    expect(valueEnd("{]")).toBe(INVALID);
  });
});

describe("canonPrefix", () => {
  // Objects whose keys JSON.parse would not reorder (integer-like keys move first) or merge.
  const key = fc.string({ unit: "binary" }).filter((k) => !/^(0|[1-9]\d*)$/.test(k));
  const value = fc.letrec((tie) => ({
    v: fc.oneof({ depthSize: "small" }, fc.string({ unit: "binary" }), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer(), fc.boolean(), fc.constant(null), tie("arr"), tie("obj")),
    arr: fc.array(tie("v"), { maxLength: 4 }),
    obj: fc.dictionary(key, tie("v"), { maxKeys: 4 }),
  })).obj;

  test("every prefix's text is a prefix of JSON.stringify, and the whole is exactly it", () => {
    fc.assert(
      fc.property(value, fc.integer({ min: 0, max: 3 }), (obj, spaces) => {
        const canonical = JSON.stringify(obj);
        const written = spaces === 0 ? canonical : JSON.stringify(obj, null, spaces);
        for (let i = 0; i <= written.length; i++) {
          const p = canonPrefix(written.slice(0, i));
          expect(p.invalid).toBe(false);
          expect(canonical.startsWith(p.out)).toBe(true);
        }
        const whole = canonPrefix(written + " trailing");
        expect(whole).toEqual({ out: canonical, end: written.length, invalid: false });
      }),
      { numRuns: 150 },
    );
  });

  test("escapes come out as JSON.stringify spells them", () => {
    const raw = '{"a": "\\u00e9\\/\\ud83d\\ude00\\u0001\\ud800x", "n": 1.50, "e": 1E2}';
    expect(canonPrefix(raw).out).toBe(JSON.stringify(JSON.parse(raw)));
  });

  test("what is not JSON is invalid", () => {
    expect(canonPrefix('{"a": tru}').invalid).toBe(true);
    expect(canonPrefix("{'a': 1}").invalid).toBe(true);
    expect(canonPrefix('{"a" 1}').invalid).toBe(true);
  });
});

test("pythonic calls: keyword literals only", () => {
  expect(parsePythonic("[f(a=1, b='x', c=[True, None], d={'k': 2.5})]")).toEqual([{ name: "f", arguments: '{"a":1,"b":"x","c":[true,null],"d":{"k":2.5}}' }]);
  expect(parsePythonic("[f(1)]")).toBeNull();
  expect(parsePythonic("[f(a=b)]")).toBeNull();
  expect(parsePythonic("[]")).toBeNull();
});

test("Mistral ids: nine alphanumerics, stable, the id itself when it already is one", () => {
  expect(mistralId("call_a1")).toMatch(/^[A-Za-z0-9]{9}$/);
  expect(mistralId("call_a1")).toBe(mistralId("call_a1"));
  expect(mistralId("call_a1")).not.toBe(mistralId("call_a2"));
  expect(mistralId("VvvODy9mT")).toBe("VvvODy9mT");
});
