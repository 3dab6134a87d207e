/**
 * What the demo knows about a model beyond `ModelInfo`: a readable name, its quantization, an
 * estimate of its download size, and whether it fits this device. Pure functions, so the e2e
 * suite can check them in Node too.
 */
import type { ModelInfo } from "../src/index.js";
import { FULL_BINDING, MIN_BINDING, MIN_BUFFER, type DeviceInfo } from "./device.js";

/** A quantization in an MLC id: `q4f16_1` is 4-bit weights with f16 activations. */
const QUANT = /(?:^|[-_])(q(\d)f(16|32)(?:_(\d))?)(?=[-_]|$)/i;

/** The model's name without the quantization and `-MLC`: `Llama-3.2-1B-Instruct`, `gemma-2-2b-it-1k`. */
export function displayName(id: string): string {
  return id
    .replace(/-MLC(?=-|$)/i, "")
    .replace(QUANT, "")
    .replace(/-+$/, "");
}

/** The quantization tag, e.g. `q4f16_1`, or null. */
export function quantization(id: string): string | null {
  return QUANT.exec(id)?.[1] ?? null;
}

/** Parameter counts that ids do not spell out. */
const KNOWN_PARAMS: [RegExp, number][] = [
  // Popular models whose names round their size: the real counts keep the estimate honest.
  [/^Llama-3\.2-1B/i, 1.24e9],
  [/^Llama-3\.2-3B/i, 3.21e9],
  [/^Qwen2(\.5)?-0\.5B/i, 0.49e9],
  [/^Qwen2(\.5)?-1\.5B/i, 1.54e9],
  [/^gemma-2-2b/i, 2.61e9],
  [/phi-3(\.5)?-vision/i, 4.2e9],
  [/phi-(3(\.5)?|4)-mini/i, 3.8e9],
  [/^phi-2/i, 2.7e9],
  [/^phi-1_5/i, 1.4e9],
  [/gemma-4-E2B/i, 5.1e9],
];

/** The parameter count the id names (`0.5B`, `135M`, `1_6b`), or null. */
export function parameterCount(id: string): number | null {
  for (const [re, n] of KNOWN_PARAMS) if (re.test(id)) return n;
  const m = /(?:^|[-_])(\d+(?:[._]\d+)?)([BM])(?=[-_]|$)/i.exec(id);
  if (!m?.[1] || !m[2]) return null;
  return Number(m[1].replace("_", ".")) * (m[2].toUpperCase() === "B" ? 1e9 : 1e6);
}

/**
 * The download size in bytes, estimated as parameters × bits per weight: `ModelInfo` has no
 * size, and WebLLM learns it only from `tensor-cache.json` once the download starts. MLC's
 * group quantization stores one scale per 32 weights, so q4f16_1 costs 4.5 bits a weight and
 * q4f32_1 costs 5; q0 is unquantized. Checked against real repositories, it lands within ~10%
 * (Llama-3.2-1B q4f16_1 ≈ 0.70 GB, Qwen2.5-0.5B q4f16_1 ≈ 0.28 GB).
 */
export function downloadBytes(id: string): number | null {
  const params = parameterCount(id);
  const q = QUANT.exec(id);
  if (params === null || !q?.[2] || !q[3]) return null;
  const weightBits = Number(q[2]);
  const activationBits = Number(q[3]);
  const bits = weightBits === 0 ? activationBits : weightBits + activationBits / 32;
  return Math.round((params * bits) / 8);
}

/** An f32 variant of an f16 model, from the catalog, for devices without shader-f16. */
export function f32Alternative(id: string, catalog: ModelInfo[]): string | null {
  const q = QUANT.exec(id);
  if (!q?.[1] || q[3] !== "16") return null;
  const ids = new Set(catalog.map((m) => m.id));
  for (const quant of [`q${q[2]}f32${q[4] ? `_${q[4]}` : ""}`, "q4f32_1", "q0f32"]) {
    const alt = id.replace(q[1], quant);
    if (alt !== id && ids.has(alt)) return alt;
  }
  return null;
}

/** How well a model suits this device. */
export interface Fit {
  /** `fits`: nothing stands in the way. `tight`: it may run out of memory. `no`: it cannot run. */
  level: "fits" | "tight" | "no";
  /** Plain-language reasons, shown on the model card. Empty when it fits. */
  reasons: string[];
  /** A variant that can run here (the f32 model for a missing shader-f16). */
  alternative: string | null;
}

/**
 * Judges a model against the adapter's features and limits, as WebLLM itself will at load time:
 * each feature in `requires` must be offered; storage bindings below 1 GiB suit only the
 * small-context (`-1k`) variants, as WebLLM warns; and the model's `vram_required_mb` is held
 * against the device's memory budget where the browser hints at one.
 */
export function judgeFit(model: ModelInfo, device: DeviceInfo, catalog: ModelInfo[]): Fit {
  const reasons: string[] = [];
  let level: Fit["level"] = "fits";
  let alternative: string | null = null;
  if (!device.adapter) return { level: "no", reasons: ["No WebGPU adapter in this browser."], alternative };
  if (device.maxStorageBufferBindingSize < MIN_BINDING || device.maxBufferSize < MIN_BUFFER) {
    return { level: "no", reasons: ["This GPU's buffer limits are below what WebLLM needs."], alternative };
  }
  for (const feature of model.requires) {
    if (feature === "shader-f16" && !device.f16) {
      level = "no";
      alternative = f32Alternative(model.id, catalog);
      reasons.push("Needs shader-f16, which this GPU does not offer.");
    } else if (feature !== "shader-f16") {
      level = "no";
      reasons.push(`Needs the WebGPU feature ${feature}.`);
    }
  }
  if (level === "no") return { level, reasons, alternative };
  if (device.maxStorageBufferBindingSize < FULL_BINDING && (model.context_window ?? 4096) > 1024) {
    level = "tight";
    reasons.push(`This GPU binds at most ${Math.round(device.maxStorageBufferBindingSize / 2 ** 20)} MB at a time; a -1k variant is safer.`);
  }
  if (model.vram_required_mb !== null && device.memoryBudgetMb !== null && model.vram_required_mb > device.memoryBudgetMb) {
    level = "tight";
    reasons.push(`Needs about ${(model.vram_required_mb / 1024).toFixed(1)} GB of GPU memory; this device may have less.`);
  }
  return { level, reasons, alternative };
}

/**
 * Good first models, best first: small enough to download in about a minute, good enough to
 * chat with. f16 variants come first because they are smaller and faster where they run.
 */
export const RECOMMENDED = [
  "Llama-3.2-1B-Instruct-q4f16_1-MLC",
  "Qwen2.5-1.5B-Instruct-q4f16_1-MLC",
  "Llama-3.2-1B-Instruct-q4f32_1-MLC",
  "Qwen2.5-1.5B-Instruct-q4f32_1-MLC",
  "Qwen2.5-0.5B-Instruct-q4f16_1-MLC",
  "Qwen2.5-0.5B-Instruct-q4f32_1-MLC",
  "SmolLM2-360M-Instruct-q4f32_1-MLC",
];

/** The largest download we call "small": about a minute on a 100 Mbit/s line. */
const SMALL_BYTES = 800 * 1024 * 1024;

/**
 * The model to offer first: the last one used if it is cached and fits (it loads in seconds),
 * then the first recommended model that fits, then the largest small model that fits, then the
 * smallest model that can run at all.
 */
export function defaultModel(catalog: ModelInfo[], device: DeviceInfo, lastUsed: string | null): string | null {
  const fits = (m: ModelInfo): boolean => judgeFit(m, device, catalog).level === "fits";
  const last = catalog.find((m) => m.id === lastUsed);
  if (last && last.cached && fits(last)) return last.id;
  for (const id of RECOMMENDED) {
    const m = catalog.find((x) => x.id === id);
    if (m && fits(m)) return m.id;
  }
  const sized = catalog.map((m) => ({ m, bytes: downloadBytes(m.id) ?? Infinity }));
  const small = sized.filter((x) => fits(x.m) && x.bytes <= SMALL_BYTES).sort((a, b) => b.bytes - a.bytes);
  if (small[0]) return small[0].m.id;
  const runnable = sized.filter((x) => judgeFit(x.m, device, catalog).level !== "no").sort((a, b) => a.bytes - b.bytes);
  return runnable[0]?.m.id ?? null;
}
