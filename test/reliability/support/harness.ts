import { createEngine, type Engine, type EngineOptions } from "../../../src/index.js";
import type { Probe } from "../fixtures/worker.js";
import type { ReliabilityWorkerOptions } from "../fixtures/quirks.js";

/** A real module Worker running the reliability fixture; `name` also labels it in DevTools targets. */
export function reliabilityWorker(options: ReliabilityWorkerOptions = {}): Worker {
  return new Worker(new URL("../fixtures/worker.ts", import.meta.url), { type: "module", name: JSON.stringify(options) });
}

/** An engine on a fresh reliability worker. */
export function reliabilityEngine(options: ReliabilityWorkerOptions = {}, engine: Omit<EngineOptions, "worker"> = {}): Promise<Engine> {
  return createEngine({ ...engine, worker: reliabilityWorker(options) });
}

/** Tells a reliability worker to misbehave (see test/reliability/fixtures/worker.ts). */
export function probe(worker: Worker, message: Probe): void {
  worker.postMessage(message);
}

/** Milliseconds since `start`, rounded. */
export const since = (start: number): number => Math.round(performance.now() - start);
