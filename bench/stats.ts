/**
 * Summary statistics for repeated measurements. Our machines are shared and noisy, so every rate
 * is reported as a median with its spread, never as a single sample or a mean (one stalled run
 * drags a mean far more than a median).
 */

/** A sorted copy; the input is left alone. */
function sorted(values: readonly number[]): number[] {
  if (values.length === 0) throw new Error("No samples to summarise.");
  return [...values].sort((x, y) => x - y);
}

/**
 * The `p`-th percentile (0..100), interpolating linearly between the two nearest ranks, which is
 * what numpy and most dashboards do by default. p50 is the median.
 */
export function percentile(values: readonly number[], p: number): number {
  const s = sorted(values);
  const rank = (Math.min(Math.max(p, 0), 100) / 100) * (s.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  const a = s[lo] as number;
  const b = s[hi] as number;
  return a + (b - a) * (rank - lo);
}

export const median = (values: readonly number[]): number => percentile(values, 50);

/** A rate measured several times. */
export interface Summary {
  median: number;
  min: number;
  max: number;
  /** (max - min) / median: how far apart the runs were, as a fraction of the median. */
  spread: number;
  /** Every sample, in the order measured, so that the JSON can be re-analysed later. */
  samples: number[];
}

export function summarise(samples: readonly number[]): Summary {
  const s = sorted(samples);
  const med = median(s);
  const min = s[0] as number;
  const max = s[s.length - 1] as number;
  return { median: med, min, max, spread: med === 0 ? 0 : (max - min) / med, samples: [...samples] };
}

/** Latency percentiles of one set of samples, in milliseconds. */
export interface Latency {
  p50: number;
  p99: number;
  n: number;
}

export function latency(samples: readonly number[]): Latency {
  return { p50: percentile(samples, 50), p99: percentile(samples, 99), n: samples.length };
}
