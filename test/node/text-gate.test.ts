import { expect, test } from "vitest";
import { TextGate } from "../../src/endpoints/chat/text-gate.js";

function run(stops: string[], pieces: string[]): { out: string; matched: string | null } {
  const gate = new TextGate(stops);
  let out = "";
  for (const p of pieces) {
    const r = gate.push(p);
    out += r.emit;
    if (r.matched) return { out, matched: r.matched };
  }
  return { out: out + gate.flush(), matched: null };
}

test("a stop sequence split across pieces is found and cut", () => {
  expect(run(["END"], ["Hello E", "N", "D world"])).toEqual({ out: "Hello ", matched: "END" });
});

test("text that only looks like a prefix is released", () => {
  expect(run(["END"], ["Hello E", "ND", ""]).matched).toBe("END");
  expect(run(["END"], ["Hello E", "nd"])).toEqual({ out: "Hello End", matched: null });
});

test("the earliest of overlapping sequences wins", () => {
  expect(run(["abc", "bcd"], ["xab", "cd"])).toEqual({ out: "x", matched: "abc" });
  expect(run(["bcd", "abcX"], ["xab", "cd"])).toEqual({ out: "xa", matched: "bcd" });
});

test("nothing is held back without sequences, except half a surrogate pair", () => {
  const gate = new TextGate([]);
  const smile = "😀";
  expect(gate.push(`a${smile[0]}`).emit).toBe("a");
  expect(gate.push(`${smile[1]}b`).emit).toBe(`${smile}b`);
});

test("the rest after a match keeps the sequence", () => {
  const gate = new TextGate(["<tool_call>"]);
  expect(gate.push("Sure. <tool").emit).toBe("Sure. ");
  const r = gate.push('_call>{"name":"f"}');
  expect(r).toEqual({ emit: "", matched: "<tool_call>", rest: '<tool_call>{"name":"f"}' });
});
