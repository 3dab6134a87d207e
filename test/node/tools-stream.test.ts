/**
 * The streaming scanner: markers split at every position, several calls, text before and after,
 * malformed blocks, and trusted (grammar-constrained) streaming of names and argument fragments.
 */
import { describe, expect, test } from "vitest";
import { collect, CallStream, type CallEvent } from "../../src/tools/call-stream.js";
import { TOOL_FORMATS } from "../../src/tools/families.js";
import type { ParsedCall, ToolFormat } from "../../src/tools/format.js";
import { tokenize } from "../../src/backends/fake/tokenizer.js";
import { genericJsonFormat } from "../../src/tools/generic-json.js";
import { llama3Format } from "../../src/tools/llama3.js";
import { mistralV3Format } from "../../src/tools/mistral.js";
import { hermes2ProFormat } from "../../src/tools/nous-hermes.js";
import { phi4MiniFormat } from "../../src/tools/phi4mini.js";
import { qwen35Format } from "../../src/tools/qwen35.js";

const CALLS: ParsedCall[] = [
  { name: "get_weather", arguments: '{"city":"Paris","days":[1,2],"note":"a \\"b\\" é"}' },
  { name: "get_time", arguments: '{"zone":"CET"}' },
];

/** Runs pieces through a scanner: the content, the calls, and every event. */
function run(format: ToolFormat, pieces: string[], trusted = false): { content: string; calls: ParsedCall[]; events: CallEvent[]; incomplete: boolean } {
  const s = new CallStream(format, { trusted });
  const events: CallEvent[] = [];
  for (const p of pieces) events.push(...s.push(p));
  const done = s.end();
  events.push(...done.events);
  return { content: events.map((e) => (e.type === "content" ? e.text : "")).join(""), calls: done.calls, events, incomplete: done.incomplete };
}

/** A reply for this format: text, then its calls (one for Llama, which allows one). */
function reply(format: ToolFormat): { raw: string; calls: ParsedCall[]; before: string } {
  const calls = format.parallel ? CALLS : CALLS.slice(0, 1);
  // Llama's bare JSON counts only at the start of a reply; its tagged form anywhere.
  const before = format === llama3Format ? "" : "Checking both.";
  return { raw: `${before}\n${format.callText(calls)}`, calls, before };
}

const openerFree = (format: ToolFormat, text: string): boolean =>
  format.openers.filter((o) => !format.leadingOpeners.includes(o)).every((o) => !text.includes(o));

describe("a reply split in two at every position gives the same content and calls", () => {
  for (const format of TOOL_FORMATS) {
    test(format.name, () => {
      const { raw, calls, before } = reply(format);
      const whole = collect(format, raw, { trusted: false });
      expect(whole).toEqual({ content: before, calls, incomplete: false });
      for (let i = 1; i < raw.length; i++) {
        for (const trusted of [false, true]) {
          const split = run(format, [raw.slice(0, i), raw.slice(i)], trusted);
          expect(split.content, `split at ${i}`).toBe(before);
          expect(split.calls, `split at ${i}`).toEqual(calls);
          for (const e of split.events) if (e.type === "content") expect(openerFree(format, e.text)).toBe(true);
        }
      }
    });
  }
});

test("one character at a time, trusted: names as soon as whole, arguments in fragments that add up", () => {
  for (const format of TOOL_FORMATS) {
    const { raw, calls } = reply(format);
    const r = run(format, [...raw], true);
    expect(r.calls).toEqual(calls);
    const starts = r.events.filter((e) => e.type === "call-start");
    expect(starts.map((e) => (e.type === "call-start" ? e.name : ""))).toEqual(calls.map((c) => c.name));
    const fragments = r.events.filter((e) => e.type === "args" && e.index === 0);
    // Arguments stream while the call is written, not in one piece at its end (Qwen3.5 sends
    // each XML parameter once closed; Hermes 2 Pro's arguments come before the name they wait for).
    if (format !== qwen35Format && format !== hermes2ProFormat) expect(fragments.length, format.name).toBeGreaterThan(3);
    expect(fragments.map((e) => (e.type === "args" ? e.text : "")).join("")).toBe(calls[0]?.arguments);
  }
});

test("untrusted, a call is held until its block parses, then sent whole", () => {
  const raw = genericJsonFormat.callText(CALLS.slice(0, 1));
  const s = new CallStream(genericJsonFormat, { trusted: false });
  const closeAt = raw.indexOf("</tool_call>");
  expect(s.push(raw.slice(0, closeAt))).toEqual([]);
  expect(s.push(raw.slice(closeAt))).toEqual([
    { type: "call-start", index: 0, name: "get_weather" },
    { type: "args", index: 0, text: CALLS[0]?.arguments },
  ]);
});

test("trusted, Hermes 2 Pro's arguments wait for the name that follows them", () => {
  const raw = hermes2ProFormat.callText(CALLS.slice(0, 1));
  const s = new CallStream(hermes2ProFormat, { trusted: true });
  expect(s.push(raw.slice(0, raw.indexOf('"name"')))).toEqual([]);
  const next = s.push(raw.slice(raw.indexOf('"name"')));
  expect(next[0]).toEqual({ type: "call-start", index: 0, name: "get_weather" });
  expect(next[1]).toEqual({ type: "args", index: 0, text: CALLS[0]?.arguments });
});

describe("text around calls", () => {
  test("text after a call is content, and later calls are still found", () => {
    const call = genericJsonFormat.callText(CALLS.slice(0, 1));
    const r = run(genericJsonFormat, [`Let me look.\n${call}\n\nDone. `, genericJsonFormat.callText(CALLS.slice(1)), "\n"]);
    expect(r.content).toBe("Let me look.Done.");
    expect(r.calls.map((c) => c.name)).toEqual(["get_weather", "get_time"]);
  });

  test("an opener's first characters are held, then released when they are not one", () => {
    const r = run(genericJsonFormat, ["I keep my <tool", "s> in a box <", "tool_calls> too"]);
    expect(r.content).toBe("I keep my <tools> in a box <tool_calls> too");
    expect(r.events.filter((e) => e.type === "content").map((e) => (e.type === "content" ? e.text : ""))).toEqual(["I keep my", " <tools> in a box", " <tool_calls> too"]);
  });

  test("a reply that is only whitespace is content; whitespace next to a call is not", () => {
    expect(run(genericJsonFormat, ["\n", "  "]).content).toBe("\n  ");
    expect(run(genericJsonFormat, ["\n\n", genericJsonFormat.callText(CALLS), "\n"]).content).toBe("");
  });

  test("Llama: a bare object only at the start; <|python_tag|> anywhere; `; ` joins calls", () => {
    expect(run(llama3Format, ['  {"name": "f", "parameters": {}}; {"name": "g", "parameters": {"x": 1}}']).calls).toEqual([
      { name: "f", arguments: "{}" },
      { name: "g", arguments: '{"x":1}' },
    ]);
    const mid = run(llama3Format, ['The answer is {"name": "f", "parameters": {}}']);
    expect(mid).toMatchObject({ content: 'The answer is {"name": "f", "parameters": {}}', calls: [] });
    const tagged = run(llama3Format, ["Sure.<|python", '_tag|>{"name": "f", "parameters": {}}']);
    expect(tagged).toMatchObject({ content: "Sure.", calls: [{ name: "f", arguments: "{}" }] });
    expect(run(llama3Format, ['{"answer": 42} is what you asked for']).content).toBe('{"answer": 42} is what you asked for');
  });

  test("a leading bracket that is not a call is content", () => {
    expect(run(mistralV3Format, ["[1] Smith", " et al."])).toMatchObject({ content: "[1] Smith et al.", calls: [] });
    expect(run(phi4MiniFormat, ['[{"name": "f", "arguments": {}}]'])).toMatchObject({ content: "", calls: [{ name: "f", arguments: "{}" }] });
  });
});

describe("malformed blocks", () => {
  test("become content, with the rest of the reply", () => {
    const bad = '<tool_call>\n{"name": "f", "arguments": {"a": }\n</tool_call> and more';
    const r = run(genericJsonFormat, ["Hi. ", bad]);
    expect(r).toMatchObject({ content: `Hi.${bad}`, calls: [] });
    expect(run(genericJsonFormat, ["<tool_call>\nnot json at all"]).content).toBe("<tool_call>\nnot json at all");
  });

  test("after good calls, a bad block is content and the good calls stand", () => {
    const r = run(genericJsonFormat, [genericJsonFormat.callText(CALLS.slice(0, 1)), "\n<tool_call>\n{oops}\n</tool_call>"]);
    expect(r.calls).toEqual(CALLS.slice(0, 1));
    expect(r.content).toBe("<tool_call>\n{oops}\n</tool_call>");
  });

  test("trusted, a streamed call whose block then fails is incomplete, and text after it is content", () => {
    const r = run(genericJsonFormat, ['<tool_call>\n{"name": "f", "arguments": {"a": 1}, "x": }\n</tool_call>', " after"], true);
    expect(r).toMatchObject({ calls: [{ name: "f", arguments: '{"a":1}' }], incomplete: true, content: " after" });
  });

  test("a block cut off before its end is content untrusted, and incomplete trusted", () => {
    const cut = genericJsonFormat.callText(CALLS.slice(0, 1)).slice(0, 40);
    expect(run(genericJsonFormat, [cut])).toMatchObject({ content: cut, calls: [], incomplete: false });
    const trusted = run(genericJsonFormat, [cut], true);
    expect(trusted.incomplete).toBe(true);
    expect(trusted.calls.map((c) => c.name)).toEqual(["get_weather"]);
    expect(trusted.content).toBe("");
  });
});

describe("every format's own call text, pushed as the fake's tokens and character by character", () => {
  // Regression: Mistral's bare-list opener "[" was taken for a call as soon as it arrived, so
  // "[TOOL_CALLS] [" split into "[" + "TOOL" became content instead of a call.
  test.each(TOOL_FORMATS.map((f) => [f.name, f] as const))("%s", (_name, format) => {
    const text = format.callText([{ name: "get_weather", arguments: '{"city": "B"}' }]);
    for (const pieces of [tokenize(text), [...text]]) {
      for (const trusted of [false, true]) {
        const s = new CallStream(format, { trusted });
        const events = [...pieces.flatMap((p) => s.push(p))];
        const end = s.end();
        events.push(...end.events);
        expect(events.filter((e) => e.type === "content")).toEqual([]);
        expect(end.calls.map((c) => c.name)).toEqual(["get_weather"]);
      }
    }
  });
});
