// The real WebLLM module, in a real module Worker, behind pagellm's real serve() and
// createEngine(), pointed at a model host on 127.0.0.1 (test/support/model-server.ts). No model
// runs here: there are no weights and no model library on this machine. What these tests prove is
// the part before a model runs: the catalog, the GPU checks, the requests WebLLM and pagellm make
// and in which order, and that each failure reaches the page as the right error class.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createEngine, type Engine } from "../../src/index.js";
import { APIUserAbortError, EngineUnavailableError, ModelLoadError, NotFoundError } from "../../src/errors/classes.js";
import type { LoadProgress, ModelRecord } from "../../src/openai/models.js";
import { diagnoseDownload } from "../../src/backends/webllm/preflight.js";
import { fakeChatConfig } from "./fixtures/chat-config.js";
import { baseRequest, scriptedEngine } from "./fixtures/scripted-engine.js";

const server = inject("modelServer");
let scopeCount = 0;

/** A fresh path prefix: its own log lines, and its own Cache Storage keys in WebLLM. */
function scope(): string {
  return `t${Date.now().toString(36)}${scopeCount++}`;
}

function record(s: string, repo: string, lib: string, id = `${s}-${repo}-${lib}-q0f32`): ModelRecord {
  return { model: `${server}/${s}/repos/${repo}`, model_id: id, model_lib: `${server}/${s}/libs/${lib}`, vram_required_MB: 100 };
}

async function serverLog(s: string): Promise<string[]> {
  return (await fetch(`${server}/__log?prefix=/${s}/`)).json() as Promise<string[]>;
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => {
      throw new Error("expected a rejection");
    },
    (err: unknown) => err,
  );
}

describe("WebLLM backend in a real worker, offline", () => {
  // One scope per record, so that each test reads only its own requests from the server's log.
  const [s1, s2, s3, s4] = [scope(), scope(), scope(), scope()] as const;
  const missingLib = record(s1, "tiny", "missing.wasm");
  const brokenLib = record(s2, "tiny", "garbage.wasm");
  const htmlLib = record(s3, "tiny", "html.wasm");
  const noConfig = record(s4, "no-config", "missing.wasm");
  let engine: Engine;

  beforeAll(async () => {
    const worker = new Worker(new URL("./fixtures/webllm-worker.ts", import.meta.url), { type: "module" });
    engine = await createEngine({ worker, models: [missingLib, brokenLib, htmlLib, noConfig] });
  });
  afterAll(() => engine?.close());

  it("lists WebLLM's prebuilt catalog with local facts, plus the custom records", async () => {
    const { data } = await engine.models.list();
    const smol = data.find((m) => m.id === "SmolLM2-135M-Instruct-q0f32-MLC");
    expect(smol).toEqual({
      id: "SmolLM2-135M-Instruct-q0f32-MLC",
      object: "model",
      created: expect.any(Number),
      owned_by: "mlc-ai",
      vram_required_mb: 719.38,
      context_window: 4096,
      requires: [],
      // SmolLM2 was trained on its own tool-calling prompt.
      tools: true,
      tool_format: "smollm2",
      cached: false,
      // No file of it is stored: estimated from the id, 135M parameters of 32 bits.
      download_size_bytes: 540_000_000,
      download_size_estimated: true,
      buffer_size_required_bytes: null,
    });
    expect(data.find((m) => m.id === "SmolLM2-135M-Instruct-q0f16-MLC")?.requires).toEqual(["shader-f16"]);
    // WebLLM's record declares no required_features, but a q4f16 library needs shader-f16.
    const qwen = data.find((m) => m.id === "Qwen2.5-0.5B-Instruct-q4f16_1-MLC");
    expect(qwen).toMatchObject({ requires: ["shader-f16"], tools: true, context_window: 4096 });
    expect(data.find((m) => m.id === "Hermes-2-Pro-Llama-3-8B-q4f32_1-MLC")?.tools).toBe(true);
    expect(data.some((m) => m.id.startsWith("snowflake-arctic-embed"))).toBe(false); // embeddings cannot chat
    expect(data.find((m) => m.id === missingLib.model_id)).toMatchObject({ owned_by: "self-hosted", vram_required_mb: 100, cached: false });
  });

  it("a missing model library fails with ModelLoadError naming its URL and 404, after fetching the config first", async () => {
    const progress: LoadProgress[] = [];
    const err = await rejection(engine.load(missingLib.model_id, { onProgress: (p) => progress.push(p) }));
    expect(err).toBeInstanceOf(ModelLoadError);
    const e = err as ModelLoadError;
    expect(e.url).toBe(missingLib.model_lib);
    expect(e.httpStatus).toBe(404);
    expect(e.status).toBe(502);
    expect(e.message).toContain(missingLib.model_lib);
    expect(e.message).toContain("404");
    // Only the config and the library, in WebLLM's own order: no tokenizer, no weights.
    expect(await serverLog(s1)).toEqual([`GET /${s1}/repos/tiny/resolve/main/mlc-chat-config.json`, `GET /${s1}/libs/missing.wasm`]);
    // Progress from the first moment, in pagellm's phases, before WebLLM says anything.
    expect([...new Set(progress.map((p) => p.phase))]).toEqual(["check-gpu", "fetch-config", "fetch-library"]);
    expect(progress.every((p, i) => i === 0 || p.progress >= progress[i - 1]!.progress)).toBe(true);
  });

  it("a missing config fails with ModelLoadError naming the resolve/main/ config URL", async () => {
    const err = await rejection(engine.load(noConfig.model_id));
    expect(err).toBeInstanceOf(ModelLoadError);
    const url = `${server}/${s4}/repos/no-config/resolve/main/mlc-chat-config.json`;
    expect(err).toMatchObject({ url, httpStatus: 404 });
    expect((err as Error).message).toContain(url);
    expect(await serverLog(s4)).toEqual([`GET /${s4}/repos/no-config/resolve/main/mlc-chat-config.json`]);
  });

  it("a library that is not WebAssembly fails as ModelLoadError before any weights, and is never stored", async () => {
    const err = await rejection(engine.load(brokenLib.model_id));
    expect(err).toBeInstanceOf(ModelLoadError);
    expect((err as ModelLoadError).url).toBe(brokenLib.model_lib);
    expect((err as Error).message).toMatch(/not a WebAssembly module/);
    // pagellm downloads the config and the library, checks the library, and stops: WebLLM never
    // runs, and nothing got as far as the tokenizer or the weights.
    expect(await serverLog(s2)).toEqual([`GET /${s2}/repos/tiny/resolve/main/mlc-chat-config.json`, `GET /${s2}/libs/garbage.wasm`]);
    // The broken library was never stored, so a retry downloads it again; the config, which was
    // fine, is read from storage.
    expect(await (await caches.open("webllm/wasm")).match(brokenLib.model_lib)).toBeUndefined();
    await expect(engine.load(brokenLib.model_id)).rejects.toBeInstanceOf(ModelLoadError);
    expect((await serverLog(s2)).slice(2)).toEqual([`GET /${s2}/libs/garbage.wasm`]);
  });

  it("an HTML page where the library should be (a dev server's fallback) fails as ModelLoadError", async () => {
    const err = await rejection(engine.load(htmlLib.model_id));
    expect(err).toBeInstanceOf(ModelLoadError);
    expect((err as Error).message).toMatch(/HTML page/);
    expect((err as ModelLoadError).url).toBe(htmlLib.model_lib);
  });

  it("a prebuilt model with no network fails fast with ModelLoadError naming the Hugging Face URL", async () => {
    // Our CI has no route to model hosts. On a machine that has one, the same load would start a
    // real 700 MB download, so there the test stops it once the config has been fetched and
    // checks the abort instead: both paths assert real behaviour, neither is skipped.
    const online = await fetch("https://huggingface.co/", { method: "HEAD", mode: "no-cors" }).then(
      () => true,
      () => false,
    );
    const t0 = performance.now();
    if (online) {
      const ac = new AbortController();
      const onProgress = (p: { phase: string }): void => {
        if (p.phase !== "check-gpu" && p.phase !== "fetch-config") ac.abort();
      };
      await expect(engine.load("SmolLM2-135M-Instruct-q0f32-MLC", { signal: ac.signal, onProgress })).rejects.toBeInstanceOf(APIUserAbortError);
      return;
    }
    const err = await rejection(engine.load("SmolLM2-135M-Instruct-q0f32-MLC"));
    expect(err).toBeInstanceOf(ModelLoadError);
    expect(err).toMatchObject({
      url: "https://huggingface.co/mlc-ai/SmolLM2-135M-Instruct-q0f32-MLC/resolve/main/mlc-chat-config.json",
      httpStatus: 0,
    });
    expect(performance.now() - t0).toBeLessThan(15_000);
  });

  it("an id that is not in the catalog is NotFoundError", async () => {
    await expect(engine.load("no-such-model-q4f32_1-MLC")).rejects.toBeInstanceOf(NotFoundError);
    await expect(engine.models.retrieve("no-such-model-q4f32_1-MLC")).rejects.toBeInstanceOf(NotFoundError);
  });

  it("an f16 model on SwiftShader (no shader-f16) is EngineUnavailableError naming the f32 variant", async () => {
    const err = await rejection(engine.load("SmolLM2-135M-Instruct-q0f16-MLC"));
    expect(err).toBeInstanceOf(EngineUnavailableError);
    expect(err).toMatchObject({ status: 503, code: "shader_f16_unsupported" });
    expect((err as Error).message).toContain('"SmolLM2-135M-Instruct-q0f32-MLC"');
  });

  it("the worker still loads after all those failures (nothing wedged)", async () => {
    const err = await rejection(engine.load(missingLib.model_id));
    expect(err).toBeInstanceOf(ModelLoadError);
  });

  it("a custom record's context window is known once its config has been read", async () => {
    expect((await engine.models.retrieve(missingLib.model_id)).context_window).toBe(fakeChatConfig.context_window_size);
  });
});

describe("aborting a load", () => {
  it("rejects with APIUserAbortError while a download hangs, and the next load still runs", async () => {
    const s = scope();
    const hanging = record(s, "hang", "missing.wasm");
    const after = record(s, "tiny", "missing.wasm");
    const worker = new Worker(new URL("./fixtures/webllm-worker.ts", import.meta.url), { type: "module" });
    const engine = await createEngine({ worker, models: [hanging, after] });
    try {
      const ctl = new AbortController();
      const p = rejection(engine.load(hanging.model_id, { signal: ctl.signal }));
      await new Promise((r) => setTimeout(r, 300));
      ctl.abort();
      expect(await p).toBeInstanceOf(APIUserAbortError);
      await expect(engine.load(after.model_id)).rejects.toBeInstanceOf(ModelLoadError);
    } finally {
      engine.close();
    }
  });

  it("rejects with APIUserAbortError while the library's download hangs, and stops that download", async () => {
    const s = scope();
    const slow = record(s, "tiny", "slow.wasm");
    const after = record(s, "tiny2", "missing.wasm");
    const worker = new Worker(new URL("./fixtures/webllm-worker.ts", import.meta.url), { type: "module" });
    const engine = await createEngine({ worker, models: [slow, after] });
    try {
      const ctl = new AbortController();
      const p = rejection(engine.load(slow.model_id, { signal: ctl.signal }));
      // Wait until the download is stuck on the library.
      for (let i = 0; i < 100 && !(await serverLog(s)).includes(`GET /${s}/libs/slow.wasm`); i++) await new Promise((r) => setTimeout(r, 50));
      expect(await serverLog(s)).toEqual([`GET /${s}/repos/tiny/resolve/main/mlc-chat-config.json`, `GET /${s}/libs/slow.wasm`]);
      ctl.abort();
      expect(await p).toBeInstanceOf(APIUserAbortError);
      // The download was really stopped: the next load runs.
      await expect(engine.load(after.model_id)).rejects.toBeInstanceOf(ModelLoadError);
    } finally {
      engine.close();
    }
  });
});

describe("finding the file behind WebLLM's bare 'Failed to fetch'", () => {
  it("names the first missing file WebLLM would fetch after the library: the tokenizer", async () => {
    const s = scope();
    const r = record(s, "tiny", "garbage.wasm");
    const err = await diagnoseDownload(r, fakeChatConfig, new AbortController().signal);
    expect(err).toBeInstanceOf(ModelLoadError);
    expect(err).toMatchObject({ url: `${server}/${s}/repos/tiny/resolve/main/tokenizer.json`, httpStatus: 404 });
  });
});

// ---------------------------------------------------------------------------------------------
// The translation between WebLLM's stream and pagellm's GenerateEvents, against a scripted
// stand-in for MLCEngine (fixtures/scripted-engine.ts). No WebLLM and no model run in this part.
// ---------------------------------------------------------------------------------------------

describe("generate: WebLLM chunks to GenerateEvents (scripted engine, no model)", async () => {
  const { generate } = await import("../../src/backends/webllm/generate.js");
  const { toWebLLMRequest } = await import("../../src/backends/webllm/request.js");
  const { fromWebLLMError } = await import("../../src/backends/webllm/errors.js");
  const { BadRequestError, ContextLengthExceededError, InternalServerError } = await import("../../src/errors/classes.js");
  type Ev = import("../../src/backends/backend.js").GenerateEvent;

  const collect = async (it: AsyncIterable<Ev>): Promise<Ev[]> => {
    const out: Ev[] = [];
    for await (const ev of it) out.push(ev);
    return out;
  };
  const noDrain = { leftRunning: () => undefined };

  it("passes only the fields that are set, never tools or stop, in WebLLM's shapes", () => {
    const req = toWebLLMRequest("m", {
      ...baseRequest,
      messages: [
        { role: "developer", content: [{ type: "text", text: "be " }, { type: "text", text: "brief" }] },
        { role: "user", content: [{ type: "text", text: "hi" }] },
      ],
      top_p: 0,
      seed: 7,
      max_tokens: 5,
      response_format: { type: "json_schema", json_schema: { name: "x", schema: { type: "object" } } },
    });
    expect(req).toEqual({
      model: "m",
      stream: true,
      stream_options: { include_usage: true },
      messages: [
        { role: "system", content: "be brief" },
        { role: "user", content: "hi" },
      ],
      temperature: 1,
      top_p: 1e-6,
      max_tokens: 5,
      seed: 7,
      response_format: { type: "json_object", schema: '{"type":"object"}' },
    });
  });

  it("counts tokens exactly (a held-back token arrives with the next), and derives the whole prompt from the KV cache", async () => {
    const { engine } = scriptedEngine({ reused: 50, prefill: 10, tokens: ["Hel", "", "lo", "!"] });
    const events = await collect(generate(engine, "m", baseRequest, { signal: new AbortController().signal, ...noDrain }));
    expect(events).toEqual([
      { type: "delta", text: "Hel", tokens: 1 },
      { type: "delta", text: "lo", tokens: 2 },
      { type: "delta", text: "!", tokens: 1 },
      // WebLLM's usage said prompt_tokens: 10 (the new turn only); 50 came from the KV cache.
      { type: "end", finish_reason: "stop", prompt_tokens: 60, completion_tokens: 4, cached_tokens: 50 },
    ]);
  });

  it("reports logprobs per token, and length as length", async () => {
    const { engine } = scriptedEngine({ tokens: ["a", "b"], finish: "length" });
    const events = await collect(generate(engine, "m", { ...baseRequest, logprobs: true }, { signal: new AbortController().signal, ...noDrain }));
    expect(events[0]).toMatchObject({ type: "delta", text: "a", logprobs: [{ token: "a", logprob: -0.5 }] });
    expect(events.at(-1)).toMatchObject({ type: "end", finish_reason: "length", prompt_tokens: 10, cached_tokens: 0 });
  });

  it("an abort interrupts WebLLM, ends within a decode step, and never reports 'abort'", async () => {
    const { engine, state } = scriptedEngine({ tokens: Array.from({ length: 200 }, () => "x") });
    const ctl = new AbortController();
    const events: Ev[] = [];
    for await (const ev of generate(engine, "m", baseRequest, { signal: ctl.signal, ...noDrain })) {
      events.push(ev);
      if (events.length === 3) ctl.abort();
    }
    expect(state.interrupts).toBeGreaterThan(0);
    expect(events.length).toBeLessThan(8);
    expect(events.at(-1)).toMatchObject({ type: "end", finish_reason: "stop" });
  });

  it("an abort before the first chunk never starts the generation", async () => {
    const { engine, state } = scriptedEngine({ tokens: ["x"] });
    const ctl = new AbortController();
    ctl.abort();
    expect(await collect(generate(engine, "m", baseRequest, { signal: ctl.signal, ...noDrain }))).toEqual([]);
    expect(state.started).toBe(false);
  });

  it("leaving early (return()) interrupts WebLLM and hands over a drain that finishes the stream", async () => {
    const { engine, state } = scriptedEngine({ tokens: Array.from({ length: 200 }, () => "x") });
    let drain: Promise<void> | null = null;
    for await (const ev of generate(engine, "m", baseRequest, { signal: new AbortController().signal, leftRunning: (d) => (drain = d) })) {
      if (ev.type === "delta") break;
    }
    expect(drain).not.toBeNull();
    await drain;
    expect(state.done).toBe(true);
    expect(state.interrupts).toBeGreaterThan(0);
  });

  it("maps WebLLM's errors by name", async () => {
    const named = (name: string, message = "m") => Object.assign(new Error(message), { name });
    const { engine } = scriptedEngine({ tokens: [], throwOnStart: named("ContextWindowSizeExceededError", "Prompt tokens exceed context window size: 9000; 4096\nmore") });
    await expect(collect(generate(engine, "m", baseRequest, { signal: new AbortController().signal, ...noDrain }))).rejects.toBeInstanceOf(ContextLengthExceededError);
    expect(fromWebLLMError(named("DeviceLostError"))).toMatchObject({ status: 503, code: "device_lost" });
    expect(fromWebLLMError(named("ShaderF16SupportError"), { model: "a-q4f16_1", f32Alternative: "a-q4f32_1" })).toMatchObject({
      code: "shader_f16_unsupported",
      message: expect.stringContaining('"a-q4f32_1"'),
    });
    expect(fromWebLLMError(named("WebGPUNotAvailableError"))).toMatchObject({ status: 503, code: "webgpu_unavailable" });
    expect(fromWebLLMError(new Error("Unable to find a compatible GPU. ..."))).toMatchObject({ status: 503, code: "webgpu_unavailable" });
    expect(fromWebLLMError(named("ModelNotFoundError"))).toMatchObject({ status: 404 });
    expect(fromWebLLMError(new TypeError("Failed to execute 'add' on 'Cache': Request failed"))).toBeInstanceOf(ModelLoadError);
    expect(fromWebLLMError(named("SystemMessageOrderError"))).toBeInstanceOf(BadRequestError);
    expect(fromWebLLMError(named("RangeError", "Make sure 0 < top_p <= 1."))).toBeInstanceOf(BadRequestError);
    expect(fromWebLLMError(named("SomethingNew", "boom"))).toEqual(new InternalServerError("SomethingNew: boom"));
  });
});
