import nodeEndpoint from "comlink/dist/esm/node-adapter.mjs";
import { Worker } from "node:worker_threads";
import { createEngine, type Engine } from "../../src/index.js";
import type { FakeBackendOptions } from "../../src/testing.js";
import type { StoreLimits } from "../../src/worker.js";

/** An engine on a real worker_threads Worker serving the fake backend and the Responses API's memory store. */
export async function nodeResponsesEngine(fake: FakeBackendOptions = {}, limits: StoreLimits = {}): Promise<{ engine: Engine; close(): Promise<void> }> {
  const worker = new Worker(new URL("../fixtures/node-boot.mjs", import.meta.url), {
    workerData: { entry: new URL("../fixtures/node-responses-worker.ts", import.meta.url).href, fake, limits },
  });
  const engine = await createEngine({ worker: nodeEndpoint(worker) });
  return {
    engine,
    async close() {
      engine.close();
      await worker.terminate();
    },
  };
}
