import nodeEndpoint from "comlink/dist/esm/node-adapter.mjs";
import { Worker } from "node:worker_threads";
import { createEngine, type Engine, type EngineOptions } from "../../src/index.js";
import type { FakeBackendOptions } from "../../src/testing.js";

/** An engine on a real worker_threads Worker that serves the fake backend. */
export async function nodeEngine(
  fake: FakeBackendOptions = {},
  options: Omit<EngineOptions, "worker"> = {},
): Promise<{ engine: Engine; worker: Worker; close(): Promise<void> }> {
  const worker = new Worker(new URL("../fixtures/node-boot.mjs", import.meta.url), {
    workerData: { entry: new URL("../fixtures/node-fake-worker.ts", import.meta.url).href, fake },
  });
  const engine = await createEngine({ ...options, worker: nodeEndpoint(worker) });
  return {
    engine,
    worker,
    async close() {
      engine.close();
      await worker.terminate();
    },
  };
}
