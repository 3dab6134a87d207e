// probeDevice() and recommendModel() in real Chromium, whose WebGPU runs on SwiftShader (a
// software adapter without shader-f16): in the page, in a module worker, and without WebGPU.
// The catalog recommendModel() judges is the real WebLLM module's, listed by pagellm's worker.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEngine, judgeModel, probeDevice, recommendModel, type DeviceProbe, type Engine, type ModelInfo } from "../../src/index.js";

async function inWorker(message: { hideWebGPU?: boolean }): Promise<DeviceProbe> {
  const worker = new Worker(new URL("./fixtures/probe-worker.ts", import.meta.url), { type: "module" });
  try {
    return await new Promise<DeviceProbe>((resolve, reject) => {
      worker.onmessage = (e: MessageEvent<DeviceProbe>) => resolve(e.data);
      worker.onerror = (e) => reject(new Error(e.message));
      worker.postMessage(message);
    });
  } finally {
    worker.terminate();
  }
}

/** What this machine's Chromium offers: SwiftShader, as TESTING.md records it. */
function expectSwiftShader(p: DeviceProbe): void {
  expect(p.webgpu).toBe(true);
  expect(p.reason).toBeNull();
  expect(p.adapter).toMatchObject({ vendor: "google", architecture: "swiftshader", is_fallback_adapter: true });
  expect(p.shader_f16).toBe(false);
  expect(p.features).not.toContain("shader-f16");
  expect(p.limits?.maxStorageBufferBindingSize).toBe(2 ** 30);
  expect(p.limits?.maxBufferSize).toBeGreaterThanOrEqual(2 ** 28);
  expect(p.limits?.maxComputeWorkgroupStorageSize).toBeGreaterThanOrEqual(32 * 1024);
  expect(p.storage?.quota_bytes).toBeGreaterThan(0);
  expect(p.storage?.available_bytes).toBe(Math.max(0, p.storage!.quota_bytes - p.storage!.usage_bytes));
  expect(typeof p.storage?.persisted).toBe("boolean");
}

describe("probeDevice", () => {
  it("reports the real SwiftShader adapter in the page, matching the adapter WebGPU itself gives", async () => {
    const p = await probeDevice();
    expectSwiftShader(p);
    const adapter = await navigator.gpu.requestAdapter({ powerPreference: "high-performance" });
    expect(p.features).toEqual([...adapter!.features].sort());
    expect(p.limits?.maxBufferSize).toBe(adapter!.limits.maxBufferSize);
    // Chromium has navigator.deviceMemory (rounded, capped at 8).
    expect(p.device_memory_gb).toBe((navigator as { deviceMemory?: number }).deviceMemory ?? null);
  });

  it("reports the same in a module worker", async () => {
    const [page, worker] = [await probeDevice(), await inWorker({})];
    expectSwiftShader(worker);
    expect({ ...worker, storage: null }).toEqual({ ...page, storage: null });
  });

  it("without WebGPU answers webgpu: false with a reason, and never throws, in the worker and in the page", async () => {
    const worker = await inWorker({ hideWebGPU: true });
    expect(worker).toMatchObject({ webgpu: false, adapter: null, features: [], shader_f16: false, limits: null });
    expect(worker.reason).toMatch(/WebGPU is not available here/);
    expect(worker.storage).not.toBeNull();
    const own = Object.getOwnPropertyDescriptor(Navigator.prototype, "gpu")!;
    Object.defineProperty(Navigator.prototype, "gpu", { get: () => undefined, configurable: true });
    try {
      const page = await probeDevice();
      expect(page).toMatchObject({ webgpu: false, adapter: null, limits: null });
      expect(page.reason).toMatch(/Chrome or Edge 113\+/);
    } finally {
      Object.defineProperty(Navigator.prototype, "gpu", own);
    }
  });
});

describe("recommendModel, on SwiftShader, over WebLLM's real catalog", () => {
  let engine: Engine;
  let models: ModelInfo[];
  beforeAll(async () => {
    engine = await createEngine({ worker: new Worker(new URL("./fixtures/webllm-worker.ts", import.meta.url), { type: "module" }) });
    models = (await engine.models.list()).data;
  });
  afterAll(() => engine?.close());

  it("chooses the smallest f32 model and warns that generation will be very slow", async () => {
    const rec = await recommendModel({ models });
    expect(rec.device.adapter?.is_fallback_adapter).toBe(true);
    expect(rec.model?.id).toMatch(/q\df32/);
    const f32 = models.filter((m) => /q\df32/.test(m.id) && judgeModel(m, rec.device, models).runs && m.download_size_bytes !== null);
    const smallest = Math.min(...f32.map((m) => m.download_size_bytes!));
    expect(rec.model?.download_size_bytes).toBe(smallest);
    expect(rec.reasons[0]).toMatch(/smallest f32 model .* software adapter/);
    expect(rec.warnings.join(" ")).toMatch(/very slow, often under 1 token\/s for a 1B model/);
    console.log(`[recommendModel on SwiftShader] ${rec.model?.id}: ${rec.reasons.join(" ")} | ${rec.warnings.join(" ")}`);
  });

  it("refuses an f16 model with a reason that says what to do", async () => {
    const rec = await recommendModel({ models, precision: "f16" });
    expect(rec.model).toBeNull();
    expect(rec.reasons[0]).toMatch(/shader-f16/);
    expect(rec.reasons[0]).toMatch(/Ask for precision "f32" instead \(such as [\w.-]+q\df32[\w.-]*\)/);
    const f16 = models.find((m) => m.id === "Qwen2.5-0.5B-Instruct-q4f16_1-MLC")!;
    const fit = judgeModel(f16, rec.device, models);
    expect(fit).toMatchObject({ runs: false, alternative: "Qwen2.5-0.5B-Instruct-q4f32_1-MLC" });
    expect(fit.reasons[0]).toMatch(/needs shader-f16, which this GPU lacks: use Qwen2.5-0.5B-Instruct-q4f32_1-MLC/);
  });

  it("honours the caller's limits: tools, a context window, a download cap, and says when nothing fits", async () => {
    const tools = await recommendModel({ models, tools: true, minContextWindow: 4096 });
    expect(tools.model).toMatchObject({ tools: true });
    expect(tools.model!.context_window).toBeGreaterThanOrEqual(4096);
    const none = await recommendModel({ models, maxDownloadBytes: 1024 });
    expect(none.model).toBeNull();
    expect(none.reasons[0]).toMatch(/None of the \d+ models fits: .*over 1 KB to download/);
  });
});
