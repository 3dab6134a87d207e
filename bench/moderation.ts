import type { Page } from "playwright-core";
import type { Mode, StreamRun } from "./pages/api.js";
import { summarise, type Summary } from "./stats.js";

/** The moderation figure: the same reply through pagellm's worker with and without a trivial hook. */
export interface ModerationResult {
  tokens: number;
  /** create() to the last chunk, ms, per mode. */
  without: Summary;
  with: Summary;
  /** Median time with the hook over median time without: 1.0 means moderation costs nothing. */
  ratio: number;
}

const run = (page: Page, mode: Mode, tokens: number): Promise<StreamRun> =>
  page.evaluate(([m, n]) => window.transport!.stream(m, n), [mode, tokens] as const);

/**
 * Streams a `tokens`-token reply through (b) and (b-mod) in alternating order, `repeats` times.
 * The hook answers `false` at once, so what is measured is pagellm's own cost of asking: the
 * messages to the page, the page's running text, and holding chunks for their verdicts.
 */
export async function measureModeration(page: Page, tokens: number, repeats: number): Promise<ModerationResult> {
  for (const mode of ["b", "b-mod"] as const) await run(page, mode, tokens);
  const ms: Record<"b" | "b-mod", number[]> = { b: [], "b-mod": [] };
  for (let r = 0; r < repeats; r++) {
    for (const mode of r % 2 ? (["b-mod", "b"] as const) : (["b", "b-mod"] as const)) {
      const res = await run(page, mode, tokens);
      if (res.chunks !== tokens + 2) throw new Error(`${mode}: expected ${tokens + 2} chunks, got ${res.chunks}.`);
      ms[mode].push(res.ms);
    }
  }
  const without = summarise(ms.b);
  const withHook = summarise(ms["b-mod"]);
  return { tokens, without, with: withHook, ratio: withHook.median / without.median };
}
