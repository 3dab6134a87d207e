import type { Page } from "playwright-core";
import type { Mode, StreamRun } from "./pages/api.js";
import { token } from "./synthetic.js";
import { latency, summarise, type Latency, type Summary } from "./stats.js";

export interface TransportOptions {
  /** Tokens per streamed reply; the stream carries 2 more chunks (the role, and finish_reason). */
  tokens: number;
  /** Tokens per reply in the `-fake` modes, which run at the fake's capped ~4k chunks/s. */
  fakeTokens: number;
  repeats: number;
  ttftSamples: number;
  /** The modes to stream; (a), (b) and (c) always, the fake rows only in full runs. */
  modes: Mode[];
  log: (line: string) => void;
}

export interface RatioSummary {
  /** Ratio of the medians: the headline figure. */
  median: number;
  /** The lowest and highest ratio of one round's two runs, which ran back to back. */
  min: number;
  max: number;
}

export interface TransportResult {
  /** Chunks per second of each mode. */
  rates: Partial<Record<Mode, Summary>>;
  ratios: { "b/a": RatioSummary; "b/c": RatioSummary };
  /** create() to first chunk, ms. */
  ttft: { a: Latency; b: Latency; c: Latency; added: { p50: number; p99: number } };
}

/** The content characters of a reply of `tokens` synthetic tokens: every scenario must deliver all of them. */
const expectedChars = (tokens: number): number => Array.from({ length: tokens }, (_, i) => token(i).length).reduce((n, l) => n + l, 0);

/** `list` rotated left by `r`, so each mode takes each position in the running order in turn. */
const rotate = <T>(list: readonly T[], r: number): T[] => list.map((_, i) => list[(i + r) % list.length] as T);

const run = (page: Page, mode: Mode, tokens: number): Promise<StreamRun> =>
  page.evaluate(([m, n]) => window.transport!.stream(m, n), [mode, tokens] as const);

const ttft = (page: Page, mode: Mode): Promise<number> => page.evaluate((m) => window.transport!.ttft(m), mode);

function ratio(top: number[], bottom: number[], topMedian: number, bottomMedian: number): RatioSummary {
  const rounds = top.map((t, i) => t / (bottom[i] as number));
  return { median: topMedian / bottomMedian, min: Math.min(...rounds), max: Math.max(...rounds) };
}

/**
 * Streams in rounds: every round runs every mode once, back to back, in a rotating order. On a
 * shared machine, load comes and goes over seconds; interleaving puts each mode under the same
 * load as the others, so their ratio holds even when the absolute rates swing.
 */
export async function measureTransport(page: Page, o: TransportOptions): Promise<TransportResult> {
  const tokensFor = (mode: Mode): number => (mode.endsWith("-fake") ? o.fakeTokens : o.tokens);
  // Warm-up: JIT, worker start-up, and WebLLM's module, none of which is what we measure.
  for (const mode of o.modes) await run(page, mode, Math.min(tokensFor(mode), 2_000));
  for (let i = 0; i < 10; i++) for (const mode of ["a", "b", "c"] as const) await ttft(page, mode);

  const rates: Partial<Record<Mode, number[]>> = {};
  for (let r = 0; r < o.repeats; r++) {
    const line: string[] = [];
    for (const mode of rotate(o.modes, r)) {
      const tokens = tokensFor(mode);
      const res = await run(page, mode, tokens);
      if (res.chunks !== tokens + 2) throw new Error(`${mode}: expected ${tokens + 2} chunks, got ${res.chunks}.`);
      if (res.chars !== expectedChars(tokens)) throw new Error(`${mode}: expected ${expectedChars(tokens)} characters of content, got ${res.chars}.`);
      const rate = res.chunks / (res.ms / 1000);
      (rates[mode] ??= []).push(rate);
      line.push(`${mode} ${Math.round(rate).toLocaleString("en-US")}/s`);
    }
    o.log(`  round ${r + 1}/${o.repeats}: ${line.join(", ")}`);
  }

  const samples: Record<"a" | "b" | "c", number[]> = { a: [], b: [], c: [] };
  for (let i = 0; i < o.ttftSamples; i++) {
    for (const mode of rotate(["a", "b", "c"] as const, i)) samples[mode].push(await ttft(page, mode));
  }

  const summaries: Partial<Record<Mode, Summary>> = {};
  for (const [mode, values] of Object.entries(rates)) summaries[mode as Mode] = summarise(values);
  const a = summaries.a as Summary;
  const b = summaries.b as Summary;
  const c = summaries.c as Summary;
  const t = { a: latency(samples.a), b: latency(samples.b), c: latency(samples.c) };
  return {
    rates: summaries,
    ratios: {
      "b/a": ratio(b.samples, a.samples, b.median, a.median),
      "b/c": ratio(b.samples, c.samples, b.median, c.median),
    },
    ttft: { ...t, added: { p50: t.b.p50 - t.a.p50, p99: t.b.p99 - t.a.p99 } },
  };
}
