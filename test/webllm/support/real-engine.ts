import { inject } from "vitest";
import { createEngine, type Engine, type EngineStatus } from "../../../src/index.js";
import type { ModelRecord } from "../../../src/openai/models.js";

/** What global-setup.ts provides: the model server, the synthetic model, the WebLLM that runs. */
export const server = inject("webllmServer");
export const model = inject("webllmModel");
export const version = inject("webllmVersion");

/** The synthetic model as the worker's catalog gets it. */
export const id = `synthetic-${model.name}`;
export const record: ModelRecord = {
  model: `${server}/m/${model.name}`,
  model_id: id,
  model_lib: `${server}/libs/${model.name}.wasm`,
  vram_required_MB: 512,
  low_resource_required: true,
};

/** Every request the model server has answered, in order ("GET /path"). */
export const serverLog = async (): Promise<string[]> => fetch(`${server}/__log`).then((r) => r.json() as Promise<string[]>, () => []);

/** An engine on `worker` with the synthetic model loaded, and every status it has reported since. */
export async function loadedEngine(worker: Worker, say: (msg: string) => void): Promise<{ engine: Engine; statuses: EngineStatus[] }> {
  const engine = await createEngine({ worker, models: [record] });
  const statuses: EngineStatus[] = [];
  engine.addEventListener("status", (e) => statuses.push(e.status));
  const t0 = performance.now();
  await engine.load(id);
  say(`load: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return { engine, statuses };
}
