import { WEBGPU_MINIMUMS } from "../backends/webllm/internals.js";
import type { ModelInfo } from "../openai/models.js";
import type { DeviceProbe } from "./probe.js";

/** Whether one model can run on a probed device, and why not. */
export interface ModelFit {
  /** False when something stands in the way for sure: the load would fail. */
  runs: boolean;
  /** Why it cannot run, each with what to do instead. Empty when `runs`. */
  reasons: string[];
  /** What may go wrong although it can start: memory, small buffers. */
  warnings: string[];
  /** A variant of the catalog that can run instead (the f32 model of an f16 one), or null. */
  alternative: string | null;
}

const MB = 2 ** 20;
const F16 = /q(\d)f16(_\d)?/i;

/** `1.2 GB`, `640 MB`, `96 KB`. */
export function formatBytes(bytes: number): string {
  const mb = bytes / MB;
  return mb >= 1000 ? `${(mb / 1024).toFixed(1)} GB` : mb >= 1 ? `${Math.round(mb)} MB` : `${Math.ceil(bytes / 1024)} KB`;
}

/** The f32 variant of an f16 model id that `catalog` holds, or null. */
export function f32Variant(id: string, catalog: readonly ModelInfo[]): string | null {
  const m = F16.exec(id);
  if (!m) return null;
  for (const q of [`q${m[1]}f32${m[2] ?? ""}`, "q4f32_1", "q0f32"]) {
    const alt = id.replace(m[0], q);
    if (catalog.some((c) => c.id === alt)) return alt;
  }
  return null;
}

/**
 * Judges `model` against `device` as WebLLM will when it loads, before anything is downloaded:
 * WebLLM's minimum adapter limits, each feature in `requires`, and the largest buffer the model
 * binds. `catalog` lets the shader-f16 reason name the model's f32 variant.
 */
export function judgeModel(model: ModelInfo, device: DeviceProbe, catalog: readonly ModelInfo[] = []): ModelFit {
  const reasons: string[] = [];
  const warnings: string[] = [];
  let alternative: string | null = null;
  const limits = device.limits;
  if (!device.webgpu || !limits) return { runs: false, reasons: [device.reason ?? ""], warnings, alternative };
  for (const [name, min] of Object.entries(WEBGPU_MINIMUMS)) {
    const have = limits[name as keyof typeof limits];
    if (have < min) reasons.push(`This GPU's ${name} is ${have}, below the ${min} WebLLM needs: try another browser or device.`);
  }
  for (const feature of model.requires) {
    if (device.features.includes(feature)) continue;
    const alt = feature === "shader-f16" ? f32Variant(model.id, catalog) : null;
    alternative ??= alt;
    reasons.push(`${model.id} needs ${feature}, which this GPU lacks: ${alt ? `use ${alt}` : feature === "shader-f16" ? "use a q4f32_1 or q0f32 model" : "pick another model"}.`);
  }
  const buffer = model.buffer_size_required_bytes;
  if (buffer !== null && buffer > limits.maxStorageBufferBindingSize) {
    reasons.push(`${model.id} binds ${formatBytes(buffer)}; this GPU allows ${formatBytes(limits.maxStorageBufferBindingSize)}: pick a smaller model.`);
  }
  if (limits.maxStorageBufferBindingSize < 2 ** 30 && (model.context_window ?? 4096) > 1024) {
    warnings.push(`This GPU binds at most ${formatBytes(limits.maxStorageBufferBindingSize)}; a -1k variant is safer.`);
  }
  // Browsers expose no GPU memory; RAM (capped at 8 GB by Chrome) is the only hint.
  const budget = device.device_memory_gb === null ? null : device.device_memory_gb * 1024 * 0.75;
  if (model.vram_required_mb !== null && budget !== null && model.vram_required_mb > budget) {
    warnings.push(`${model.id} needs about ${formatBytes(model.vram_required_mb * MB)} of GPU memory; this device may have less.`);
  }
  return { runs: reasons.length === 0, reasons, warnings, alternative };
}
