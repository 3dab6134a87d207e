// pagellm's own downloads into WebLLM's storage, against the real WebLLM module in a real module
// Worker and a model host on 127.0.0.1 whose "full" repository has every file of a model (config,
// tokenizer, tensor-cache.json, six 48 KiB shards) and can be made to fail on any one of them
// (test/support/model-server.ts). Its library is the smallest valid WebAssembly module, so every
// check before the weights passes and the load ends where WebLLM instantiates the library: no
// model library exists on this machine. These tests show everything up to that point.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { commands } from "vitest/browser";
import OpenAI from "openai";
import { createEngine, type Engine } from "../../src/index.js";
import { APIUserAbortError, ModelLoadError, NotFoundError } from "../../src/errors/classes.js";
import type { LoadProgress, ModelInfo, ModelRecord } from "../../src/openai/models.js";
import { SHARD_BYTES, SHARDS, shardBytes } from "../support/model-files.js";

const server = inject("modelServer");
let scopeCount = 0;
/** A fresh path prefix: its own log lines, its own storage keys, its own faults. */
const scope = (): string => `s${Date.now().toString(36)}${scopeCount++}`;

const record = (s: string, lib = "empty.wasm"): ModelRecord => ({
  model: `${server}/${s}/repos/full`,
  model_id: `${s}-full-q0f32`,
  model_lib: `${server}/${s}/libs/${lib}`,
  vram_required_MB: 64,
});
const url = (s: string, f: string): string => `${server}/${s}/repos/full/resolve/main/${f}`;
const log = async (s: string): Promise<string[]> => (await fetch(`${server}/__log?prefix=/${s}/`)).json() as Promise<string[]>;
const fault = async (s: string, f: string, mode: string): Promise<void> => void (await fetch(`${server}/__fault?scope=${s}&file=${f}&mode=${mode}`));
const rejection = (p: Promise<unknown>): Promise<unknown> => p.then(() => Promise.reject(new Error("expected a rejection")), (e: unknown) => e);
const SHARD_FILES = Array.from({ length: SHARDS }, (_, i) => `params_shard_${i}.bin`);
const ALL_FILES = ["mlc-chat-config.json", "tokenizer.json", "tensor-cache.json", ...SHARD_FILES];
const gets = (s: string, files: string[]): string[] => files.map((f) => `GET /${s}/repos/full/resolve/main/${f}`);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Every URL of Cache Storage scope `name` that starts with `prefix`. */
async function keys(name: string, prefix: string): Promise<string[]> {
  return (await (await caches.open(name)).keys()).map((r) => r.url).filter((u) => u.startsWith(prefix));
}

let engine: Engine;
beforeAll(async () => {
  engine = await createEngine({ worker: new Worker(new URL("./fixtures/webllm-worker.ts", import.meta.url), { type: "module" }) });
});
afterAll(() => engine?.close());

/** A fresh model in the catalog (configure() adds records on connect, so each test gets its own engine's worth). */
async function withModel(s: string, lib?: string): Promise<ModelRecord> {
  const r = record(s, lib);
  engine.close();
  engine = await createEngine({ worker: new Worker(new URL("./fixtures/webllm-worker.ts", import.meta.url), { type: "module" }), models: [r] });
  return r;
}

/** Loads `r`, which fails at WebLLM's library instantiation at best; answers the error and the progress. */
async function load(r: ModelRecord, signal?: AbortSignal): Promise<{ err: unknown; progress: LoadProgress[] }> {
  const progress: LoadProgress[] = [];
  const err = await rejection(engine.load(r.model_id, { onProgress: (p) => progress.push(p), ...(signal ? { signal } : {}) }));
  return { err, progress };
}

const phases = (progress: LoadProgress[]): string[] => [...new Set(progress.map((p) => p.phase))];
const monotonic = (progress: LoadProgress[]): boolean => progress.every((p, i) => i === 0 || p.progress >= progress[i - 1]!.progress);
const info = async (id: string): Promise<ModelInfo> => engine.models.retrieve(id);

describe("downloads, progress and the from-cache phase", () => {
  it("a first load fetches each file once in WebLLM's order with bytes per phase; a second finds the weights stored and downloads nothing", async () => {
    const s = scope();
    const r = await withModel(s);
    const before = await info(r.model_id);
    expect(before).toMatchObject({ cached: false, download_size_bytes: null, download_size_estimated: false });

    const first = await load(r);
    // The load got past every file and ended in WebLLM, at the library, which is no model library.
    expect(first.err).not.toBeInstanceOf(ModelLoadError);
    expect((await log(s)).slice(0, 4)).toEqual([...gets(s, ["mlc-chat-config.json"]), `GET /${s}/libs/empty.wasm`, ...gets(s, ["tokenizer.json", "tensor-cache.json"])]);
    expect((await log(s)).slice(4).sort()).toEqual(gets(s, SHARD_FILES));
    expect(phases(first.progress)).toEqual(["check-gpu", "fetch-config", "fetch-library", "fetch-tokenizer", "fetch-weights", "upload"]);
    expect(monotonic(first.progress)).toBe(true);
    const weights = first.progress.filter((p) => p.phase === "fetch-weights");
    expect(weights.every((p) => p.total_bytes === SHARDS * SHARD_BYTES)).toBe(true);
    expect(weights.at(-1)?.loaded_bytes).toBe(SHARDS * SHARD_BYTES);

    // Every file is in WebLLM's own Cache Storage scopes, whole.
    for (const [i, f] of SHARD_FILES.entries()) {
      const hit = await (await caches.open("webllm/model")).match(url(s, f));
      expect(new Uint8Array(await hit!.arrayBuffer())).toEqual(shardBytes(i));
    }
    expect(await (await caches.open("webllm/wasm")).match(r.model_lib)).toBeDefined();
    expect(await (await caches.open("webllm/config")).match(url(s, "mlc-chat-config.json"))).toBeDefined();
    const after = await info(r.model_id);
    expect(after.cached).toBe(true);
    // The size now comes from the real files: the shards tensor-cache.json lists, plus the rest.
    expect(after.download_size_estimated).toBe(false);
    expect(after.download_size_bytes).toBeGreaterThan(SHARDS * SHARD_BYTES);
    expect(await commands.validateSchema("Model", after)).toBeNull();
    expect(await commands.validateSchema("ListModelsResponse", await engine.models.list())).toBeNull();

    const second = await load(r);
    expect(second.err).not.toBeInstanceOf(ModelLoadError);
    expect((await log(s)).length).toBe(4 + SHARDS); // nothing fetched again
    expect(phases(second.progress)).toEqual(["check-gpu", "fetch-config", "fetch-library", "fetch-tokenizer", "cache", "upload"]);
    const fromCache = second.progress.find((p) => p.phase === "cache");
    expect(fromCache).toMatchObject({ loaded_bytes: SHARDS * SHARD_BYTES, total_bytes: SHARDS * SHARD_BYTES });
    expect(fromCache?.text).toMatch(new RegExp(`${SHARDS} of ${SHARDS} weight files .* in the browser's storage`));
  });

  it("a slow download reports speed and time left; cancelling it stops every request and stores nothing half-written", async () => {
    const s = scope();
    const r = await withModel(s);
    for (const f of SHARD_FILES) await fault(s, f, "slow");
    const ctl = new AbortController();
    const progress: LoadProgress[] = [];
    const pending = rejection(
      engine.load(r.model_id, {
        signal: ctl.signal,
        onProgress: (p) => {
          progress.push(p);
          if (p.phase === "fetch-weights" && p.bytes_per_second !== undefined && (p.loaded_bytes ?? 0) > 16 * 1024) ctl.abort();
        },
      }),
    );
    expect(await pending).toBeInstanceOf(APIUserAbortError);
    const measured = progress.filter((p) => p.bytes_per_second !== undefined).at(-1)!;
    // Four shards at a time trickle 4 KiB per 100 ms each: about 160 KB/s in all.
    expect(measured.bytes_per_second).toBeGreaterThan(10_000);
    expect(measured.bytes_per_second).toBeLessThan(1_000_000);
    expect(measured.eta_ms).toBeGreaterThan(0);
    const atAbort = await log(s);
    // Four downloads at a time: the abort came before any finished, so the last two never started.
    expect(atAbort.filter((l) => l.includes("params_shard"))).toHaveLength(4);
    await sleep(1500);
    expect(await log(s)).toEqual(atAbort); // no request after the abort
    expect(await keys("webllm/model", url(s, "params_shard"))).toEqual([]); // no partial shard

    for (const f of SHARD_FILES) await fault(s, f, "none");
    const next = await load(r);
    expect(next.err).not.toBeInstanceOf(ModelLoadError);
    // Only the shards are fetched again: config, library, tokenizer and manifest were whole.
    expect((await log(s)).slice(atAbort.length).sort()).toEqual(gets(s, SHARD_FILES));
  });
});

describe("a failing file", () => {
  const cases = [
    ["mlc-chat-config.json", "404"],
    ["tokenizer.json", "500"],
    ["tensor-cache.json", "404"],
    ["params_shard_1.bin", "500"],
    ["params_shard_2.bin", "404"],
  ] as const;

  it.each(cases)("%s answering %s is a ModelLoadError naming that URL and status, and nothing after it is fetched", async (f, status) => {
    const s = scope();
    const r = await withModel(s);
    await fault(s, f, status);
    const { err } = await load(r);
    expect(err).toBeInstanceOf(ModelLoadError);
    expect(err).toMatchObject({ url: url(s, f), httpStatus: Number(status), status: 502 });
    expect((err as Error).message).toContain(url(s, f));
    expect((err as Error).message).toContain(`HTTP ${status}`);
    // WebLLM's order; a failed shard stops the other shards from being started.
    const order = ALL_FILES.indexOf(f);
    const fetched = (await log(s)).filter((l) => !l.endsWith(".wasm"));
    if (!f.startsWith("params_shard")) expect(fetched).toEqual(gets(s, ALL_FILES.slice(0, order + 1)));
    expect(await keys("webllm/model", url(s, f))).toEqual([]);
  });

  it("a library answering 404 is a ModelLoadError naming the library, before the tokenizer", async () => {
    const s = scope();
    const r = await withModel(s, "missing.wasm");
    const { err } = await load(r);
    expect(err).toMatchObject({ url: r.model_lib, httpStatus: 404 });
    expect(await log(s)).toEqual([...gets(s, ["mlc-chat-config.json"]), `GET /${s}/libs/missing.wasm`]);
  });

  it("a shard truncated on the server is a clear error, stored nowhere; once fixed, the next load fetches it without any clearing by hand", async () => {
    const s = scope();
    const r = await withModel(s);
    await fault(s, "params_shard_1.bin", "truncate");
    const { err } = await load(r);
    expect(err).toBeInstanceOf(ModelLoadError);
    expect(err).toMatchObject({ url: url(s, "params_shard_1.bin"), httpStatus: 200 });
    expect((err as Error).message).toMatch(new RegExp(`is ${SHARD_BYTES / 2} bytes, but tensor-cache.json lists ${SHARD_BYTES}: the file on the server is truncated`));
    expect(await keys("webllm/model", url(s, "params_shard_1.bin"))).toEqual([]);

    await fault(s, "params_shard_1.bin", "none");
    const before = (await log(s)).length;
    const next = await load(r);
    expect(next.err).not.toBeInstanceOf(ModelLoadError);
    expect(phases(next.progress)).toContain("upload"); // past the weights
    expect((await log(s)).slice(before)).toContain(gets(s, ["params_shard_1.bin"])[0]);
    expect((await info(r.model_id)).cached).toBe(true);
  });

  it("a connection that breaks inside a shard stores nothing of it, and the next load fetches that shard again", async () => {
    const s = scope();
    const r = await withModel(s);
    await fault(s, "params_shard_0.bin", "cut");
    const { err } = await load(r);
    expect(err).toBeInstanceOf(ModelLoadError);
    expect((err as Error).message).toMatch(new RegExp(`broke off after \\d+ of ${SHARD_BYTES} bytes`));
    expect(await keys("webllm/model", url(s, "params_shard_0.bin"))).toEqual([]);
    await fault(s, "params_shard_0.bin", "none");
    const before = (await log(s)).length;
    expect((await load(r)).err).not.toBeInstanceOf(ModelLoadError);
    expect((await log(s)).slice(before)).toContain(gets(s, ["params_shard_0.bin"])[0]);
  });

  it("a short shard already in storage (an interrupted download of an older WebLLM) is found, deleted and fetched again", async () => {
    const s = scope();
    const r = await withModel(s);
    await load(r);
    const shard = url(s, "params_shard_2.bin");
    // As WebLLM's own `cache.add` would have kept a response cut short by a server.
    await (await caches.open("webllm/model")).put(shard, new Response(shardBytes(2).slice(0, 1000), { headers: { "content-length": "1000" } }));
    const before = (await log(s)).length;
    const again = await load(r);
    expect(again.err).not.toBeInstanceOf(ModelLoadError);
    expect((await log(s)).slice(before)).toEqual(gets(s, ["params_shard_2.bin"]));
    expect(phases(again.progress)).toEqual(["check-gpu", "fetch-config", "fetch-library", "fetch-tokenizer", "cache", "fetch-weights", "upload"]);
    const hit = await (await caches.open("webllm/model")).match(shard);
    expect(new Uint8Array(await hit!.arrayBuffer())).toEqual(shardBytes(2));
  });
});

describe("models.delete", () => {
  it("empties Cache Storage of that model's files, leaves others alone, and answers OpenAI's DeleteModelResponse", async () => {
    const [a, b] = [scope(), scope()];
    const ra = record(a);
    const rb = record(b);
    engine.close();
    engine = await createEngine({ worker: new Worker(new URL("./fixtures/webllm-worker.ts", import.meta.url), { type: "module" }), models: [ra, rb] });
    await load(ra);
    await load(rb);
    const base = (s: string): string => `${server}/${s}/repos/full/`;
    expect(await keys("webllm/model", base(a))).toHaveLength(2 + SHARDS); // tokenizer, manifest, shards
    expect(await keys("webllm/config", base(a))).toHaveLength(1);
    expect(await keys("webllm/wasm", ra.model_lib)).toHaveLength(1);

    const answer = await engine.models.delete(ra.model_id);
    expect(answer).toEqual({ id: ra.model_id, object: "model", deleted: true });
    expect(await commands.validateSchema("DeleteModelResponse", answer)).toBeNull();
    expect(await keys("webllm/model", base(a))).toEqual([]);
    expect(await keys("webllm/config", base(a))).toEqual([]);
    expect(await keys("webllm/wasm", ra.model_lib)).toEqual([]);
    expect(await keys("webllm/model", base(b))).toHaveLength(2 + SHARDS);
    expect((await info(ra.model_id)).cached).toBe(false);
    expect((await info(rb.model_id)).cached).toBe(true);
    await expect(engine.models.delete("no-such-model")).rejects.toBeInstanceOf(NotFoundError);

    // The same through engine.fetch, as the official SDK sends it: DELETE /v1/models/{id}.
    const client = new OpenAI({ apiKey: "local", baseURL: "http://localhost/v1", fetch: engine.fetch, dangerouslyAllowBrowser: true, maxRetries: 0 });
    const viaSdk = await client.models.delete(rb.model_id);
    expect({ ...viaSdk }).toEqual({ id: rb.model_id, object: "model", deleted: true });
    expect(await keys("webllm/model", base(b))).toEqual([]);
    const missing = await engine.fetch(`http://localhost/v1/models/${encodeURIComponent("no-such-model")}`, { method: "DELETE" });
    expect(missing.status).toBe(404);
    expect(await commands.validateSchema("ErrorResponse", await missing.json())).toBeNull();
  });
});
