import { describe, expect, it } from "vitest";
import type { RealRun, RealScenario } from "../../bench/real/api.js";
import type { RealResult } from "../../bench/real/measure.js";
import { formatReal, realTargets } from "../../bench/real/report.js";

const run = (scenario: RealScenario, o: Partial<RealRun> = {}): RealRun => ({
  scenario,
  readyColdMs: 30_000,
  readyCachedMs: 20_000,
  ttftMs: 90_000,
  tokens: 4,
  decodeTokensPerS: 0.04,
  text: " ba ka",
  ...o,
});
const result = (pagellm: Partial<RealRun>, rounds = 1): RealResult => ({
  library: "lib.wasm",
  webllm: "0.2.79",
  model: "synthetic qwen2 q4f32_1",
  maxTokens: 4,
  rounds: Array.from({ length: rounds }, () => [run("pagellm", pagellm), run("raw"), run("webllm")]),
});
const verdicts = (r: RealResult): Record<string, boolean> => Object.fromEntries(realTargets(r).map((t) => [t.name, t.met]));

describe("the real-inference bench's targets", () => {
  it("are met when pagellm matches the bare engine", () => {
    expect(Object.values(verdicts(result({})))).toEqual([true, true, true, true]);
  });

  it.each([
    ["real decode vs bare MLCEngine", { decodeTokensPerS: 0.04 * 0.98 }],
    ["real added TTFT", { ttftMs: 90_006 }],
    ["real time to ready, cold", { readyColdMs: 30_000 * 1.03 }],
    ["real time to ready, cached", { readyCachedMs: 20_000 * 1.03 }],
  ])("catch a miss: %s", (name, pagellm) => {
    const v = verdicts(result(pagellm));
    expect(v[name]).toBe(false);
    expect(Object.values(v).filter((met) => !met)).toHaveLength(1);
  });

  it("judge medians over rounds, and say when the texts differ", () => {
    const r = result({});
    r.rounds[0]![0] = run("pagellm", { text: "other" });
    const lines = formatReal(r).join("\n");
    expect(lines).toMatch(/same seed, same text in every scenario: no/);
    expect(lines).toMatch(/pagellm \/ bare: ready cold 1\.000, cached 1\.000, decode 1\.000, TTFT 0 ms added/);
  });
});
