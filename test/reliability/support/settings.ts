import { inject } from "vitest";

// Quick settings run in CI on every push; `npm run test:soak` (PAGELLM_SOAK=1) runs the heavy
// ones. Node tests read the environment directly; browser tests cannot, so the browser project's
// global set-up hands the flag over through `provide` (see test/support/setups.ts).
declare module "vitest" {
  export interface ProvidedContext {
    /** True under `npm run test:soak`. */
    pagellmSoak: boolean;
  }
}

const fromEnv = typeof process !== "undefined" && process.env?.PAGELLM_SOAK === "1";
let fromSetup = false;
try {
  fromSetup = inject("pagellmSoak") === true;
} catch {
  // Projects without the browser set-up provide nothing.
}

/** Whether this run uses the heavy settings. */
export const SOAK = fromEnv || fromSetup;

/** The sizes of every reliability check, quick and soak. */
export const settings = {
  /** Generated requests sent through the page↔worker path by the fuzzer. */
  fuzzRequests: SOAK ? 100_000 : 10_000,
  /** Requests the fuzzer keeps in flight at once. */
  fuzzBatch: 50,
  /** Streams aborted at random points in the abort storm. */
  stormStreams: SOAK ? 10_000 : 1_000,
  /** Requests issued at once in the concurrency test. */
  concurrent: SOAK ? 500 : 50,
  /** Chats run after the model has loaded while the network is recorded. */
  offlineChats: SOAK ? 1_000 : 100,
  /** Crash-and-restart rounds. */
  crashRounds: SOAK ? 20 : 3,
  /** Random texts, stop sets and chunkings tried against the stop-sequence gate. */
  gateRuns: SOAK ? 20_000 : 2_000,
} as const;

/** One line in the test output that the README's figures are copied from. */
export function report(name: string, figures: Record<string, unknown>): void {
  console.log(`[reliability] ${name}${SOAK ? " (soak)" : ""}: ${JSON.stringify(figures)}`);
}
