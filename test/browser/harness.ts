import { createEngine, type Engine, type EngineOptions } from "../../src/index.js";
import type { FakeBackendOptions } from "../../src/testing.js";

/** A real module Worker serving the fake backend with `fake` options. */
export function fakeWorker(fake: FakeBackendOptions = {}): Worker {
  return new Worker(new URL("./fixtures/fake-worker.ts", import.meta.url), { type: "module", name: JSON.stringify(fake) });
}

/** An engine on a fresh module Worker serving the fake backend. */
export function fakeEngine(fake: FakeBackendOptions = {}, options: Omit<EngineOptions, "worker"> = {}): Promise<Engine> {
  return createEngine({ ...options, worker: fakeWorker(fake) });
}
