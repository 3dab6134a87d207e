// Device loss, for real: the real WebLLM module in pagellm's worker, a real model library and a
// synthetic model on SwiftShader (see real-generation.test.ts). The GPUDevice WebLLM created
// for the model is destroyed while a request decodes on it; the request must fail with
// `device_lost`, every page must hear `lost`, and the next request must load the model again from
// the browser's storage (no download) and answer. Budget: a load (about a minute), two prefills
// (about 90 s each), a few decode steps (20-30 s each), and a reload with its shader compile.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EngineUnavailableError, type Engine, type EngineStatus } from "../../src/index.js";
import { id, loadedEngine, model, serverLog, version } from "./support/real-engine.js";

const say = (msg: string): void => console.log(`[test:webllm device loss, WebLLM ${version}] ${msg}`);

let engine: Engine;
let statuses: EngineStatus[] = [];
const channel = new BroadcastChannel("pagellm-test-device");
const destroyed = (): Promise<boolean> => new Promise((resolve) => (channel.onmessage = (e: MessageEvent<{ destroyed: boolean }>) => resolve(e.data.destroyed)));

beforeAll(async () => {
  ({ engine, statuses } = await loadedEngine(new Worker(new URL("./fixtures/device-worker.ts", import.meta.url), { type: "module" }), say));
});
afterAll(() => {
  channel.close();
  engine?.close();
});

describe(`a GPUDevice lost under real WebLLM, synthetic ${model.name}`, () => {
  it("the decoding request fails with device_lost, the status says lost, and the next request reloads from storage and answers", async () => {
    const stream = await engine.chat.completions.create({ model: id, messages: [{ role: "user", content: "Hi" }], max_tokens: 4, temperature: 1, seed: 1, stream: true });
    let deltas = 0;
    let error: unknown = null;
    const t0 = performance.now();
    try {
      for await (const c of stream) {
        if (!c.choices[0]?.delta.content) continue;
        if (++deltas === 1) {
          const answer = destroyed();
          channel.postMessage({ destroy: id });
          expect(await answer, "the harness reached WebLLM's device").toBe(true);
          say(`device destroyed after the first delta, ${((performance.now() - t0) / 1000).toFixed(1)} s in`);
        }
      }
    } catch (err) {
      error = err;
    }
    say(`the stream ended with ${(error as Error)?.name}: ${(error as Error)?.message}`);
    expect(error).toBeInstanceOf(EngineUnavailableError);
    expect(error).toMatchObject({ code: "device_lost", status: 503 });
    expect(statuses).toContainEqual(expect.objectContaining({ state: "lost", code: "device_lost" }));
    expect((await engine.stats()).loaded).toBeNull();

    const before = (await serverLog()).length;
    const t1 = performance.now();
    const next = await engine.chat.completions.create({ model: id, messages: [{ role: "user", content: "Hi" }], max_tokens: 1, temperature: 1, seed: 1 });
    say(`the next request (reload + 1 token): ${((performance.now() - t1) / 1000).toFixed(1)} s; ${JSON.stringify(next.choices[0]?.message.content)}`);
    expect(next.choices[0]?.finish_reason).toBe("length");
    expect(next.usage?.completion_tokens).toBe(1);
    expect(statuses.at(-1)).toEqual({ state: "ready", model: id });
    // Reloaded from the browser's storage: no shard was fetched again.
    expect((await serverLog()).slice(before).filter((l) => l.includes("params_shard"))).toEqual([]);
  });
});
