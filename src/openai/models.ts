/** OpenAI's Model, with the local facts pagellm adds, and the records and progress of a load. Types only. */

/** A model as `models.list()` reports it: OpenAI's Model plus facts about this device. */
export interface ModelInfo {
  id: string;
  object: "model";
  created: number;
  owned_by: string;
  /** Megabytes of GPU memory the model needs, where known. */
  vram_required_mb: number | null;
  /** The context window in tokens, where known before loading. */
  context_window: number | null;
  /** WebGPU features the model needs, for example `["shader-f16"]`. */
  requires: string[];
  /** Whether pagellm can run tool calls on this model. */
  tools: boolean;
  /** The family's tool-call format (`"hermes"`, …), or null where pagellm knows none. */
  tool_format: string | null;
  /**
   * Whether the model loads without the network: its weights, tokenizer, config *and* model
   * library are all in this browser's storage (WebLLM's own check looks at the weights only).
   */
  cached: boolean;
  /**
   * Bytes to download for the whole model (weights, library, tokenizer, config), where known.
   * `download_size_estimated` says whether it was summed from the model's real files
   * (`tensor-cache.json` and the stored files) or estimated from the id's parameter count and
   * quantization.
   */
  download_size_bytes: number | null;
  /** True when `download_size_bytes` is an estimate, false when it comes from the real files. */
  download_size_estimated: boolean;
  /** The largest storage buffer the model binds, in bytes, where its record says. */
  buffer_size_required_bytes: number | null;
}

/** `models.delete(id)`, in OpenAI's `DeleteModelResponse` shape. */
export interface ModelDeleted {
  id: string;
  object: "model";
  deleted: boolean;
}

/** `models.list()`. */
export interface ModelList {
  object: "list";
  data: ModelInfo[];
}

/** A model in WebLLM's own `ModelRecord` shape, for self-hosted weights. */
export interface ModelRecord {
  /** The URL of the weights (a Hugging Face-style repository URL, or any URL that serves the files). */
  model: string;
  model_id: string;
  /** The URL of the compiled model library (`.wasm`). */
  model_lib: string;
  vram_required_MB?: number;
  low_resource_required?: boolean;
  buffer_size_required_bytes?: number;
  required_features?: string[];
  overrides?: Record<string, unknown>;
  [key: string]: unknown;
}

/**
 * Where a model load stands. The WebLLM backend reports these phases, in this order (a phase
 * with nothing to do is left out):
 * `check-gpu`, `fetch-config`, `fetch-library`, `fetch-tokenizer`, `cache` (weights found
 * stored: a cached load is never shown as a download), `fetch-weights`, `upload` (weights to
 * GPU memory), `compile` (GPU shaders), `ready`. Other backends may report their own.
 */
export interface LoadProgress {
  model: string;
  phase: string;
  /** 0..1, for the whole load; it never goes back. */
  progress: number;
  /** Bytes done in this phase, where it moves bytes. */
  loaded_bytes?: number;
  /** Bytes this phase moves in all, where known. */
  total_bytes?: number;
  /** This phase's speed so far, in bytes per second, once it can be measured. */
  bytes_per_second?: number;
  /** Time this phase still needs at that speed, in milliseconds. */
  eta_ms?: number;
  text: string;
  elapsed_ms: number;
}
