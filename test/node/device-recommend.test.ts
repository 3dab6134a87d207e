// recommendModel and judgeModel over WebLLM's real prebuilt catalog (as the WebLLM backend lists
// it, in Node where nothing is stored, so every size is the id's estimate), on devices that the
// browser suite cannot have: a hardware GPU with and without shader-f16, a phone-sized adapter,
// and one below WebLLM's minimums. Plus the load-progress speed figures and the quota check.
import { beforeAll, describe, expect, it } from "vitest";
import { InsufficientStorageError, judgeModel, recommendModel, type DeviceProbe, type ModelInfo } from "../../src/index.js";
import { Catalog } from "../../src/backends/webllm/catalog.js";
import { ProgressReporter } from "../../src/backends/webllm/progress.js";
import { estimateDownloadBytes, parameterCount } from "../../src/backends/webllm/size-estimate.js";
import { ensureRoom } from "../../src/backends/webllm/storage/quota.js";
import type { LoadProgress } from "../../src/openai/models.js";

const MB = 2 ** 20;
function gpu(o: { f16?: boolean; binding?: number; buffer?: number; memoryGb?: number | null; fallback?: boolean } = {}): DeviceProbe {
  const f16 = o.f16 ?? true;
  return {
    webgpu: true,
    reason: null,
    adapter: { vendor: "acme", architecture: "rdna-9", description: "", is_fallback_adapter: o.fallback ?? false },
    features: f16 ? ["shader-f16"] : [],
    shader_f16: f16,
    limits: { maxStorageBufferBindingSize: o.binding ?? 2 ** 31, maxBufferSize: o.buffer ?? 2 ** 32, maxComputeWorkgroupStorageSize: 32768, maxStorageBuffersPerShaderStage: 10 },
    device_memory_gb: o.memoryGb === undefined ? 8 : o.memoryGb,
    storage: null,
  };
}

let catalog: ModelInfo[];
beforeAll(async () => {
  catalog = await new Catalog("cache", true).list();
});

describe("recommendModel over WebLLM's prebuilt catalog", () => {
  it("a hardware GPU with shader-f16: the largest model within 1 GiB, in f16", async () => {
    const rec = await recommendModel({ models: catalog, device: gpu() });
    expect(rec.model?.id).toMatch(/q\df16/);
    expect(rec.model!.download_size_bytes!).toBeLessThanOrEqual(2 ** 30);
    for (const m of catalog) {
      if (judgeModel(m, rec.device, catalog).runs && (m.download_size_bytes ?? Infinity) <= 2 ** 30) expect(m.download_size_bytes!).toBeLessThanOrEqual(rec.model!.download_size_bytes! * 1.2);
    }
    expect(rec.reasons[0]).toMatch(/largest model that fits acme rdna-9 within 1.0 GB \(about \d+ MB to download\)/);
    expect(rec.warnings).toEqual([]);
  });

  it("without shader-f16: an f32 model, and f16 refused with what to do", async () => {
    const device = gpu({ f16: false });
    expect((await recommendModel({ models: catalog, device })).model?.id).toMatch(/q\df32/);
    const f16 = await recommendModel({ models: catalog, device, precision: "f16" });
    expect(f16.model).toBeNull();
    expect(f16.reasons[0]).toMatch(/f16 models need the WebGPU feature shader-f16, which acme rdna-9 does not offer\. Ask for precision "f32" instead/);
  });

  it("a larger budget, tools and a long context narrow the choice as asked", async () => {
    const small = await recommendModel({ models: catalog, device: gpu() });
    const rec = await recommendModel({ models: catalog, device: gpu(), maxDownloadBytes: 6 * 2 ** 30, tools: true, minContextWindow: 4096 });
    expect(rec.model).toMatchObject({ tools: true });
    expect(rec.model!.context_window!).toBeGreaterThanOrEqual(4096);
    expect(rec.model!.download_size_bytes!).toBeGreaterThan(small.model!.download_size_bytes!);
    // WebLLM's records declare at most 4096 tokens for their chat models, so nothing has 128k.
    const none = await recommendModel({ models: catalog, device: gpu(), minContextWindow: 131072 });
    expect(none.reasons[0]).toMatch(/have a smaller context window/);
  });

  it("a GPU below WebLLM's minimum limits runs nothing, and says which limit", async () => {
    const tiny = gpu({ binding: 64 * MB, buffer: 128 * MB });
    const fit = judgeModel(catalog[0]!, tiny, catalog);
    expect(fit.runs).toBe(false);
    expect(fit.reasons.join(" ")).toMatch(/maxBufferSize is 134217728, below the 268435456 WebLLM needs/);
    const rec = await recommendModel({ models: catalog, device: tiny });
    expect(rec.model).toBeNull();
    expect(rec.reasons[0]).toMatch(/None of the \d+ models fits: \d+ cannot run on this GPU/);
  });

  it("a phone-sized adapter (128 MiB bindings): a model's buffer needs are held against the limit", async () => {
    const phone = gpu({ binding: 128 * MB, buffer: 256 * MB, memoryGb: 4 });
    const needsBig = catalog.find((m) => (m.buffer_size_required_bytes ?? 0) > 128 * MB);
    if (needsBig) expect(judgeModel(needsBig, phone, catalog).runs).toBe(false);
    const rec = await recommendModel({ models: catalog, device: phone });
    expect(rec.model).not.toBeNull();
    expect(rec.warnings.join(" ")).toMatch(/binds at most 128 MB; a -1k variant is safer|GPU memory/);
  });

  it("no WebGPU: nothing, with the probe's own reason", async () => {
    const none: DeviceProbe = { ...gpu(), webgpu: false, reason: "WebGPU is not available here.", adapter: null, limits: null, features: [], shader_f16: false };
    expect(await recommendModel({ models: { object: "list", data: catalog }, device: none })).toMatchObject({ model: null, reasons: ["WebGPU is not available here."] });
  });
});

describe("download sizes from the id", () => {
  it("are parameters × bits per weight, marked as estimates in the catalog", () => {
    expect(estimateDownloadBytes("Llama-3.2-1B-Instruct-q4f16_1-MLC")).toBe(Math.round((1.24e9 * 4.5) / 8));
    expect(estimateDownloadBytes("Qwen2.5-0.5B-Instruct-q4f32_1-MLC")).toBe(Math.round((0.49e9 * 5) / 8));
    expect(estimateDownloadBytes("SmolLM2-135M-Instruct-q0f16-MLC")).toBe(135e6 * 2);
    expect(parameterCount("stablelm-2-zephyr-1_6b-q4f16_1-MLC")).toBe(1.6e9);
    expect(estimateDownloadBytes("mystery-model")).toBeNull();
    const llama = catalog.find((m) => m.id === "Llama-3.2-1B-Instruct-q4f16_1-MLC");
    expect(llama).toMatchObject({ download_size_bytes: estimateDownloadBytes(llama!.id), download_size_estimated: true, tool_format: "llama3-json" });
    const gemma = catalog.find((m) => m.id === "gemma-4-E2B-it-q4f16_1-MLC");
    expect(gemma?.buffer_size_required_bytes).toBe(201326592);
  });
});

describe("load progress", () => {
  it("reports bytes per second and time left once a phase has run a quarter second, and never goes back", async () => {
    const seen: LoadProgress[] = [];
    const r = new ProgressReporter("m", (p) => seen.push(p));
    r.report("fetch-weights", "", 0, { loaded: 0, total: 1000 });
    await new Promise((res) => setTimeout(res, 300));
    r.report("fetch-weights", "", 0.5, { loaded: 500, total: 1000 });
    r.report("cache", "late", 1); // an earlier slice: progress holds
    const half = seen[1]!;
    expect(half.bytes_per_second).toBeGreaterThan(500);
    expect(half.bytes_per_second).toBeLessThan(2000);
    expect(half.eta_ms).toBe(Math.round((500 / half.bytes_per_second!) * 1000));
    expect(seen[0]!.bytes_per_second).toBeUndefined();
    expect(seen[2]!.progress).toBe(half.progress);
  });

  it("drops WebLLM's 'Start to fetch params' once pagellm has stored the weights, so a cached load shows no download", () => {
    const seen: LoadProgress[] = [];
    const r = new ProgressReporter("m", (p) => seen.push(p));
    r.webllmDownloads = false;
    r.webllm({ progress: 0, timeElapsed: 0, text: "Start to fetch params" });
    r.webllm({ progress: 0.5, timeElapsed: 1, text: "Loading model from cache[1/2]: 10MB loaded. 50% completed, 1 secs elapsed." });
    expect(seen.map((p) => p.phase)).toEqual(["upload"]);
    expect(seen[0]).toMatchObject({ loaded_bytes: 10 * MB, total_bytes: 20 * MB });
  });
});

describe("the quota check", () => {
  it("refuses more than the estimate leaves free, with both figures; an unknown quota is no refusal", async () => {
    const err = await ensureRoom("m", 300 * MB, async () => ({ quota: 1024 * MB, usage: 800 * MB })).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(InsufficientStorageError);
    expect(err).toMatchObject({ status: 507, code: "insufficient_storage", neededBytes: 300 * MB, availableBytes: 224 * MB });
    await expect(ensureRoom("m", 100 * MB, async () => ({ quota: 1024 * MB, usage: 800 * MB }))).resolves.toBeUndefined();
    await expect(ensureRoom("m", 100 * MB, async () => ({}))).resolves.toBeUndefined();
  });
});
