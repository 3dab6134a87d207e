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
  /** Whether the weights are already in this browser's cache. */
  cached: boolean;
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

/** Where a model load stands. */
export interface LoadProgress {
  model: string;
  /** `fetch-config`, `fetch-library`, `fetch-weights`, `cache`, `compile`, `ready`, or a backend's own. */
  phase: string;
  /** 0..1. */
  progress: number;
  loaded_bytes?: number;
  total_bytes?: number;
  text: string;
  elapsed_ms: number;
}
