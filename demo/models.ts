/**
 * What the demo shows about a model beyond `ModelInfo`: a readable name and its quantization,
 * and the library's judgement of the model on this device (`judgeModel`, `recommendModel`) in
 * the picker's three levels. Pure functions, so the e2e suite can check them in Node too.
 */
import { judgeModel, recommendModel, type ModelInfo, type Recommendation } from "../src/index.js";
import type { DeviceInfo } from "./device.js";

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

/** How well a model suits this device. */
export interface Fit {
  /** `fits`: nothing stands in the way. `tight`: it may run out of memory. `no`: it cannot run. */
  level: "fits" | "tight" | "no";
  /** Plain-language reasons, shown on the model card. Empty when it fits. */
  reasons: string[];
  /** A variant that can run here (the f32 model for a missing shader-f16). */
  alternative: string | null;
}

/** The library's `judgeModel`, as the picker's levels: a reason to fail is "no", a warning "tight". */
export function judgeFit(model: ModelInfo, device: DeviceInfo, catalog: ModelInfo[]): Fit {
  const fit = judgeModel(model, device, catalog);
  if (!fit.runs) return { level: "no", reasons: fit.reasons, alternative: fit.alternative };
  return { level: fit.warnings.length ? "tight" : "fits", reasons: fit.warnings, alternative: null };
}

/** An f32 variant of an f16 model, from the catalog, for devices without shader-f16. */
export function f32Alternative(id: string, catalog: ModelInfo[], device: DeviceInfo): string | null {
  const model = catalog.find((m) => m.id === id);
  return model ? judgeModel(model, device, catalog).alternative : null;
}

/**
 * The model to offer first: the last one used if it is cached and fits (it loads in seconds),
 * otherwise the library's recommendation for this device (on a software GPU, the smallest f32
 * model, with a warning about speed).
 */
export async function defaultModel(catalog: ModelInfo[], device: DeviceInfo, lastUsed: string | null): Promise<Recommendation> {
  const last = catalog.find((m) => m.id === lastUsed);
  if (last?.cached && judgeFit(last, device, catalog).level === "fits") {
    return { model: last, reasons: ["You used it last, and it is already downloaded."], warnings: [], device };
  }
  return recommendModel({ models: catalog, device });
}
