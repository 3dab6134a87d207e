// Three tabs on one SharedWorker with the real WebLLM backend, against the 127.0.0.1 model host:
// the model's files are downloaded once for all of them. No model library exists on this
// machine, so each load ends where WebLLM instantiates the library (see webllm-storage.test.ts);
// what is counted here is every request the host saw, which is what a shared engine saves. (With
// three dedicated workers instead, the same test sees the config fetched three times.)
import { afterAll, expect, inject, it } from "vitest";
import { createEngine, type Engine } from "../../src/index.js";
import type { ModelRecord } from "../../src/openai/models.js";
import { SHARDS } from "../support/model-files.js";

const server = inject("modelServer");
const s = `tabs${Date.now().toString(36)}`;
const record: ModelRecord = { model: `${server}/${s}/repos/full`, model_id: `${s}-full-q0f32`, model_lib: `${server}/${s}/libs/empty.wasm`, vram_required_MB: 64 };
const engines: Engine[] = [];
afterAll(() => engines.forEach((e) => e.close()));

it("three tabs that ask for one model make the model host serve each file once", async () => {
  const url = new URL("./fixtures/webllm-shared-worker.ts", import.meta.url);
  for (let i = 0; i < 3; i++) {
    engines.push(await createEngine({ worker: new SharedWorker(url, { type: "module", name: `webllm-tabs-${s}` }), models: [record] }));
  }
  const results = await Promise.allSettled(engines.map((e) => e.load(record.model_id)));
  // Each load gets as far as the library, which cannot be instantiated here.
  for (const r of results) expect(r.status).toBe("rejected");
  const log = (await (await fetch(`${server}/__log?prefix=/${s}/`)).json()) as string[];
  const files = ["mlc-chat-config.json", "tokenizer.json", "tensor-cache.json", ...Array.from({ length: SHARDS }, (_, i) => `params_shard_${i}.bin`)];
  for (const f of files) {
    expect(log.filter((line) => line === `GET /${s}/repos/full/resolve/main/${f}`), f).toHaveLength(1);
  }
  expect(log.filter((line) => line.startsWith(`GET /${s}/libs/`))).toHaveLength(1);
  expect((await engines[2]!.models.retrieve(record.model_id)).cached).toBe(true);
});
