import type { ModelRecord } from "../../openai/models.js";

/** A quantization with f16 activations (`q4f16_1`, `q0f16`, `q3f16_1`) compiles to f16 shaders. */
export const F16_QUANT = /(?:^|[-_/])q(\d+)f16(_\d+)?(?=[-_.]|$)/i;

/**
 * WebGPU features a model needs. WebLLM declares `required_features: ["shader-f16"]` on only some
 * f16 models (its `Qwen2.5-0.5B-Instruct-q4f16_1-MLC` record has none, yet its shaders use f16,
 * and WebLLM would only find out when compiling them), so the quantization in the model id or in
 * the library's file name counts too.
 */
export function requiredFeatures(record: ModelRecord): string[] {
  const features = new Set(record.required_features ?? []);
  const lib = record.model_lib.split("/").pop() ?? "";
  if (F16_QUANT.test(record.model_id) || F16_QUANT.test(lib)) features.add("shader-f16");
  return [...features];
}
