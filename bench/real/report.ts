import { median } from "../stats.js";
import type { TargetCheck } from "../targets.js";
import type { RealRun, RealScenario } from "./api.js";
import { SCENARIOS, type RealResult } from "./measure.js";

/** The issue's real-inference targets, pagellm against a bare MLCEngine in a module Worker. */
export const REAL_TARGETS = {
  /** Decode tokens/s at least 0.99x the bare engine's. */
  decode: 0.99,
  /** At most 5 ms added to the time to first token. */
  addedTtftMs: 5,
  /** Time to ready (cold and cached) at most 1.02x the bare engine's. */
  ready: 1.02,
} as const;

const LABELS: Record<RealScenario, string> = {
  pagellm: "pagellm's worker",
  raw: "bare MLCEngine in a module Worker",
  webllm: "WebLLM's WebWorkerMLCEngine",
};

type Figure = "readyColdMs" | "readyCachedMs" | "ttftMs" | "decodeTokensPerS";
const of = (r: RealResult, s: RealScenario, f: Figure): number => median(r.rounds.map((round) => round.find((x) => x.scenario === s)![f]));

/** The real-inference lines of the bench table. */
export function formatReal(r: RealResult): string[] {
  const lines = [
    `Real inference: ${r.model} from ${r.library}, WebLLM ${r.webllm}, a ${r.maxTokens}-token reply, ${r.rounds.length} round(s), each scenario in a fresh browser; medians`,
    `  ${"scenario".padEnd(36)}${"ready cold".padStart(12)}${"ready cached".padStart(14)}${"TTFT".padStart(11)}${"decode tok/s".padStart(14)}`,
  ];
  const s = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
  for (const sc of SCENARIOS) {
    lines.push(`  ${LABELS[sc].padEnd(36)}${s(of(r, sc, "readyColdMs")).padStart(12)}${s(of(r, sc, "readyCachedMs")).padStart(14)}${s(of(r, sc, "ttftMs")).padStart(11)}${of(r, sc, "decodeTokensPerS").toFixed(4).padStart(14)}`);
  }
  const ratio = (f: Figure, a: RealScenario, b: RealScenario): string => (of(r, a, f) / of(r, b, f)).toFixed(3);
  lines.push(
    `  pagellm / bare: ready cold ${ratio("readyColdMs", "pagellm", "raw")}, cached ${ratio("readyCachedMs", "pagellm", "raw")}, decode ${ratio("decodeTokensPerS", "pagellm", "raw")}, ` +
      `TTFT ${(of(r, "pagellm", "ttftMs") - of(r, "raw", "ttftMs")).toFixed(0)} ms added`,
    `  pagellm / WebWorkerMLCEngine: ready cold ${ratio("readyColdMs", "pagellm", "webllm")}, cached ${ratio("readyCachedMs", "pagellm", "webllm")}, decode ${ratio("decodeTokensPerS", "pagellm", "webllm")}, ` +
      `TTFT ${(of(r, "pagellm", "ttftMs") - of(r, "webllm", "ttftMs")).toFixed(0)} ms added`,
  );
  const texts = new Set(r.rounds.flat().map((x: RealRun) => x.text));
  lines.push(`  same seed, same text in every scenario: ${texts.size === 1 ? "yes" : `no (${[...texts].map((t) => JSON.stringify(t)).join(" / ")})`}`);
  return lines;
}

/** The real-inference targets, judged on the medians. */
export function realTargets(r: RealResult): TargetCheck[] {
  const decode = of(r, "pagellm", "decodeTokensPerS") / of(r, "raw", "decodeTokensPerS");
  const added = of(r, "pagellm", "ttftMs") - of(r, "raw", "ttftMs");
  const ready = (f: "readyColdMs" | "readyCachedMs", name: string): TargetCheck => {
    const x = of(r, "pagellm", f) / of(r, "raw", f);
    return { name, target: `<= ${REAL_TARGETS.ready}x`, measured: `${x.toFixed(3)}x`, met: x <= REAL_TARGETS.ready, margin: `${(x - REAL_TARGETS.ready >= 0 ? "+" : "")}${(x - REAL_TARGETS.ready).toFixed(3)}` };
  };
  return [
    { name: "real decode vs bare MLCEngine", target: `>= ${REAL_TARGETS.decode}x`, measured: `${decode.toFixed(3)}x`, met: decode >= REAL_TARGETS.decode, margin: `${decode - REAL_TARGETS.decode >= 0 ? "+" : ""}${(decode - REAL_TARGETS.decode).toFixed(3)}` },
    { name: "real added TTFT", target: `<= ${REAL_TARGETS.addedTtftMs} ms`, measured: `${added.toFixed(0)} ms`, met: added <= REAL_TARGETS.addedTtftMs, margin: `${(added - REAL_TARGETS.addedTtftMs).toFixed(0)} ms` },
    ready("readyColdMs", "real time to ready, cold"),
    ready("readyCachedMs", "real time to ready, cached"),
  ];
}
