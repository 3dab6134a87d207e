// The demo's pure parts, in Node: how it sizes and judges models, how it splits a streaming
// reply into stable blocks, and how the settings become a request. The browser test drives the
// same code through the UI; these cover the cases a fake catalog on SwiftShader cannot reach
// (f16 GPUs, small memory, mobile limits, WebLLM's real ids).
import { describe, expect, test } from "vitest";
import type { ModelInfo } from "../../src/index.js";
import type { DeviceInfo } from "../../demo/device.js";
import { stableBoundary } from "../../demo/markdown.js";
import { defaultModel, displayName, f32Alternative, judgeFit, quantization } from "../../demo/models.js";
import { buildMessages, buildParams, DEFAULTS, parseStop } from "../../demo/settings.js";
import { estimateDownloadBytes } from "../../src/backends/webllm/size-estimate.js";

const MB = 2 ** 20;

function model(id: string, extra: Partial<ModelInfo> = {}): ModelInfo {
  const f16 = /q\df16/.test(id);
  return {
    id,
    object: "model",
    created: 0,
    owned_by: "mlc-ai",
    vram_required_mb: 1000,
    context_window: 4096,
    requires: f16 ? ["shader-f16"] : [],
    tools: true,
    tool_format: null,
    cached: false,
    download_size_bytes: estimateDownloadBytes(id),
    download_size_estimated: true,
    buffer_size_required_bytes: null,
    ...extra,
  };
}

interface DeviceOptions {
  f16?: boolean;
  memoryGb?: number | null;
  binding?: number;
  buffer?: number;
  fallback?: boolean;
  webgpu?: boolean;
}

/** A probe as `probeDevice()` answers it, for a GPU with these facts. */
function device(o: DeviceOptions = {}): DeviceInfo {
  const f16 = o.f16 ?? true;
  if (o.webgpu === false) {
    return { webgpu: false, reason: "no WebGPU", adapter: null, features: [], shader_f16: false, limits: null, device_memory_gb: null, storage: null };
  }
  return {
    webgpu: true,
    reason: null,
    adapter: { vendor: "test", architecture: o.fallback ? "swiftshader" : "gpu", description: "", is_fallback_adapter: o.fallback ?? false },
    features: f16 ? ["shader-f16"] : [],
    shader_f16: f16,
    limits: { maxStorageBufferBindingSize: o.binding ?? 2 ** 30, maxBufferSize: o.buffer ?? 2 ** 31, maxComputeWorkgroupStorageSize: 32768, maxStorageBuffersPerShaderStage: 10 },
    device_memory_gb: o.memoryGb === undefined ? 8 : o.memoryGb,
    storage: null,
  };
}

const CATALOG = [
  model("Llama-3.2-1B-Instruct-q4f16_1-MLC", { vram_required_mb: 879 }),
  model("Llama-3.2-1B-Instruct-q4f32_1-MLC", { vram_required_mb: 1129 }),
  model("Qwen2.5-0.5B-Instruct-q4f16_1-MLC", { vram_required_mb: 945 }),
  model("Llama-3.1-8B-Instruct-q4f32_1-MLC", { vram_required_mb: 6101 }),
  model("Llama-3.1-8B-Instruct-q4f16_1-MLC-1k", { vram_required_mb: 4598, context_window: 1024 }),
  model("Phi-3.5-mini-instruct-q4f16_1-MLC", { vram_required_mb: 3672 }),
];

describe("model facts", () => {
  test("names and quantizations come from MLC ids", () => {
    expect(displayName("Llama-3.2-1B-Instruct-q4f16_1-MLC")).toBe("Llama-3.2-1B-Instruct");
    expect(displayName("gemma-2-2b-it-q4f32_1-MLC-1k")).toBe("gemma-2-2b-it-1k");
    expect(quantization("SmolLM2-135M-Instruct-q0f32-MLC")).toBe("q0f32");
  });

  test("an f16 model's f32 variant is found in the catalog, where the GPU lacks shader-f16", () => {
    const noF16 = device({ f16: false });
    expect(f32Alternative("Llama-3.2-1B-Instruct-q4f16_1-MLC", CATALOG, noF16)).toBe("Llama-3.2-1B-Instruct-q4f32_1-MLC");
    expect(f32Alternative("Qwen2.5-0.5B-Instruct-q4f16_1-MLC", CATALOG, noF16)).toBeNull();
    expect(f32Alternative("Llama-3.2-1B-Instruct-q4f32_1-MLC", CATALOG, noF16)).toBeNull();
  });
});

describe("fits this device (the library's judgeModel, as the picker's levels)", () => {
  const llamaF16 = CATALOG[0] as ModelInfo;
  const big = CATALOG[3] as ModelInfo;
  const small1k = CATALOG[4] as ModelInfo;

  test("a GPU with shader-f16 and room runs it", () => {
    expect(judgeFit(llamaF16, device(), CATALOG)).toEqual({ level: "fits", reasons: [], alternative: null });
  });

  test("no shader-f16: cannot run, and the f32 variant is offered", () => {
    const fit = judgeFit(llamaF16, device({ f16: false }), CATALOG);
    expect(fit.level).toBe("no");
    expect(fit.alternative).toBe("Llama-3.2-1B-Instruct-q4f32_1-MLC");
    expect(fit.reasons.join(" ")).toContain("shader-f16");
  });

  test("more VRAM than the device's memory hints at: may not fit", () => {
    const fit = judgeFit(big, device({ memoryGb: 4 }), CATALOG);
    expect(fit.level).toBe("tight");
    expect(fit.reasons.join(" ")).toContain("6.0 GB");
    expect(judgeFit(big, device({ memoryGb: null }), CATALOG).level).toBe("fits");
  });

  test("storage bindings under 1 GiB: only -1k models are safe, as WebLLM warns", () => {
    const mobile = device({ binding: 128 * MB, buffer: 256 * MB });
    expect(judgeFit(CATALOG[1] as ModelInfo, mobile, CATALOG).level).toBe("tight");
    expect(judgeFit(small1k, mobile, CATALOG).level).toBe("fits");
    expect(judgeFit(small1k, device({ binding: 64 * MB }), CATALOG).level).toBe("no");
  });

  test("no adapter: nothing runs", () => {
    expect(judgeFit(llamaF16, device({ webgpu: false }), CATALOG).level).toBe("no");
  });

  test("the default is the library's recommendation, or the cached one used last", async () => {
    // The largest within 1 GiB is Llama-3.2-1B; with shader-f16, its faster f16 variant.
    expect((await defaultModel(CATALOG, device(), null)).model?.id).toBe("Llama-3.2-1B-Instruct-q4f16_1-MLC");
    expect((await defaultModel(CATALOG, device({ f16: false }), null)).model?.id).toBe("Llama-3.2-1B-Instruct-q4f32_1-MLC");
    const cached = CATALOG.map((m) => (m.id === "Phi-3.5-mini-instruct-q4f16_1-MLC" ? { ...m, cached: true } : m));
    expect((await defaultModel(cached, device(), "Phi-3.5-mini-instruct-q4f16_1-MLC")).model?.id).toBe("Phi-3.5-mini-instruct-q4f16_1-MLC");
    // On a software adapter: the smallest f32 model, with a warning about speed.
    const others = [model("SmolLM2-135M-Instruct-q0f32-MLC"), model("SmolLM2-360M-Instruct-q4f32_1-MLC"), model("Mistral-7B-Instruct-v0.3-q4f32_1-MLC")];
    const soft = await defaultModel(others, device({ f16: false, fallback: true }), null);
    expect(soft.model?.id).toBe("SmolLM2-360M-Instruct-q4f32_1-MLC");
    expect(soft.warnings.join(" ")).toMatch(/very slow/);
  });
});

describe("streaming Markdown", () => {
  test("only text before a finished block is frozen", () => {
    expect(stableBoundary("Hello", 0)).toBe(0);
    expect(stableBoundary("Para one.\n\nPara two is stre", 0)).toBe(11);
    // Inside an open code fence nothing after the fence is stable.
    expect(stableBoundary("Intro\n\n```js\nlet a = 1;\n\nlet b = 2;\n", 0)).toBe(7);
    // After the fence closes, the next block starts a boundary.
    const text = "Intro\n\n```js\nlet a = 1;\n```\n\nAfter";
    expect(text.slice(stableBoundary(text, 0))).toBe("After");
    // An indented line may continue a list item: not a boundary.
    expect(stableBoundary("- item\n\n  more of the item\n", 0)).toBe(0);
    // Scanning resumes from the last boundary.
    expect(stableBoundary("A\n\nB\n\nC", 3)).toBe(6);
  });
});

describe("settings → request", () => {
  const messages = buildMessages("Be brief.", [{ role: "user", content: "Hi" }]);

  test("the defaults send what the panel shows, and nothing it leaves empty", () => {
    expect(buildParams(DEFAULTS, "m", messages)).toEqual({
      model: "m",
      messages: [{ role: "system", content: "Be brief." }, { role: "user", content: "Hi" }],
      temperature: 0.7,
      top_p: 1,
      presence_penalty: 0,
      frequency_penalty: 0,
      stream: true,
      stream_options: { include_usage: true },
    });
  });

  test("every field, as typed", () => {
    const values = { ...DEFAULTS, temperature: "0", top_p: "0.5", max_tokens: "5", presence_penalty: "-2", frequency_penalty: "2", seed: "7", stop: "END\n\\n\\n", json: true };
    expect(buildParams(values, "m", [])).toMatchObject({ temperature: 0, top_p: 0.5, max_tokens: 5, presence_penalty: -2, frequency_penalty: 2, seed: 7, stop: ["END", "\n\n"], response_format: { type: "json_object" } });
    expect(buildParams({ ...DEFAULTS, temperature: "" }, "m", [])).not.toHaveProperty("temperature");
  });

  test("stop sequences: one per line, with \\n and \\t escapes", () => {
    expect(parseStop("")).toEqual([]);
    expect(parseStop("a\n\nb\\tc\n\\\\n")).toEqual(["a", "b\tc", "\\n"]);
  });

  test("an empty system prompt sends no system message", () => {
    expect(buildMessages("  ", [{ role: "user", content: "x" }])).toEqual([{ role: "user", content: "x" }]);
  });
});
