import { hasModelInCache, prebuiltAppConfig } from "@mlc-ai/web-llm";
import type { ModelRecord as WebLLMModelRecord, AppConfig } from "@mlc-ai/web-llm";
import { BadRequestError } from "../../errors/classes.js";
import type { ModelInfo, ModelRecord } from "../../openai/models.js";
import { toolFormatFor } from "../../tools/families.js";
import { F16_QUANT, requiredFeatures } from "./features.js";
import { MODEL_TYPE_EMBEDDING } from "./internals.js";
import { estimateDownloadBytes } from "./size-estimate.js";
import { inspectModel, type Inspection } from "./storage/inspect.js";
import { openStore, type CacheBackend, type ModelStore } from "./storage/store.js";
import { absoluteUrl } from "./urls.js";

export type { CacheBackend };

/** `created` of every prebuilt model: a fixed date (2025-01-01), since WebLLM records none. */
export const PREBUILT_CREATED = 1_735_689_600;

/** Whether pagellm can run tool calls on this model id. */
export function supportsTools(id: string): boolean {
  return toolFormatFor(id) !== null;
}

/**
 * The catalog: WebLLM's `prebuiltAppConfig.model_list` plus self-hosted records, which win on an
 * id clash. It also builds the `AppConfig` that the engine is given.
 */
export class Catalog {
  private readonly records = new Map<string, ModelRecord>();
  private readonly custom = new Map<string, number>();
  private readonly learned = new Map<string, number>();
  /** Bytes of a model's files, summed during its last load. */
  private readonly sizes = new Map<string, number>();
  /** WebLLM's storage, in the layout pagellm reads and writes; null for OPFS and cross-origin. */
  private readonly store: ModelStore | null;

  constructor(
    private readonly cacheBackend: CacheBackend = "cache",
    includePrebuilt = true,
  ) {
    if (includePrebuilt) for (const r of prebuiltAppConfig.model_list) this.records.set(r.model_id, r as ModelRecord);
    this.store = openStore(cacheBackend);
  }

  /**
   * The store pagellm manages `record`'s files in, or null where WebLLM must do it alone: the
   * OPFS and cross-origin backends, and records with a `model_manifest` (a package manifest that
   * moves the config and weights to paths of its own).
   */
  storeFor(record: ModelRecord): ModelStore | null {
    return record.model_manifest === undefined ? this.store : null;
  }

  /** Every record, embedding models included. */
  all(): ModelRecord[] {
    return [...this.records.values()];
  }

  /**
   * Adds or replaces self-hosted records. A relative `model` URL is made absolute against the
   * worker's origin (WebLLM's `cleanModelUrl` throws on a relative one).
   */
  add(records: ModelRecord[]): void {
    const now = Math.floor(Date.now() / 1000);
    for (const r of records) {
      if (typeof r?.model_id !== "string" || typeof r.model !== "string" || typeof r.model_lib !== "string") {
        throw new BadRequestError("A model record needs string `model`, `model_id` and `model_lib` fields.", "models");
      }
      let model: string;
      try {
        model = absoluteUrl(r.model);
        absoluteUrl(r.model_lib);
      } catch {
        throw new BadRequestError(`Model record "${r.model_id}" has an invalid \`model\` or \`model_lib\` URL.`, "models");
      }
      this.records.set(r.model_id, { ...r, model });
      this.custom.set(r.model_id, now);
      this.learned.delete(r.model_id);
    }
  }

  /** The record of `id`, embedding models included. */
  get(id: string): ModelRecord | undefined {
    return this.records.get(id);
  }

  /** The app config for `MLCEngine`: every record, and the cache backend. */
  appConfig(): AppConfig {
    return { model_list: [...this.records.values()] as WebLLMModelRecord[], cacheBackend: this.cacheBackend };
  }

  /** Where WebLLM keeps its downloads. */
  get backend(): CacheBackend {
    return this.cacheBackend;
  }

  /** Remembers the context window read from a model's `mlc-chat-config.json`. */
  learnContextWindow(id: string, tokens: number): void {
    if (Number.isInteger(tokens) && tokens > 0) this.learned.set(id, tokens);
  }

  /** Remembers a model's size from its real files, for stores that cannot be inspected. */
  learnSize(id: string, bytes: number): void {
    if (Number.isSafeInteger(bytes) && bytes > 0) this.sizes.set(id, bytes);
  }

  /** An f32 variant of an f16 model that is in the catalog, for "use this instead" messages. */
  f32Alternative(id: string): string | null {
    const m = F16_QUANT.exec(id);
    if (!m) return null;
    const candidates = [`q${m[1]}f32${m[2] ?? ""}`, "q4f32_1", "q0f32"];
    for (const quant of candidates) {
      const alt = id.replace(F16_QUANT, (whole) => whole.replace(/q\d+f16(_\d+)?/i, quant));
      if (alt !== id && this.records.has(alt)) return alt;
    }
    return null;
  }

  /** The record's facts as OpenAI's Model plus pagellm's local fields. */
  info(record: ModelRecord, found: Inspection): ModelInfo {
    const custom = this.custom.get(record.model_id);
    const overrides = (record.overrides ?? {}) as { context_window_size?: unknown };
    const fromOverrides = typeof overrides.context_window_size === "number" && overrides.context_window_size > 0 ? overrides.context_window_size : null;
    const estimate = estimateDownloadBytes(record.model_id);
    const known = found.bytes ?? this.sizes.get(record.model_id) ?? null;
    return {
      id: record.model_id,
      object: "model",
      created: custom ?? PREBUILT_CREATED,
      owned_by: custom === undefined ? "mlc-ai" : "self-hosted",
      vram_required_mb: typeof record.vram_required_MB === "number" ? record.vram_required_MB : null,
      context_window: fromOverrides ?? this.learned.get(record.model_id) ?? null,
      requires: requiredFeatures(record),
      tools: supportsTools(record.model_id),
      // The tool-format table lands with the tool formats; until then no format is named.
      tool_format: toolFormatFor(record.model_id)?.name ?? null,
      cached: found.cached,
      download_size_bytes: known ?? estimate,
      download_size_estimated: known === null && estimate !== null,
      buffer_size_required_bytes: typeof record.buffer_size_required_bytes === "number" ? record.buffer_size_required_bytes : null,
    };
  }

  /**
   * What storage holds of `record`: every file (config, library, tokenizer, weights) where
   * pagellm manages the store; WebLLM's own check, of the weights only, where it does not. A
   * store that cannot be read (an opaque origin, storage blocked) holds nothing.
   */
  async inspect(record: ModelRecord): Promise<Inspection> {
    const store = this.storeFor(record);
    try {
      if (store) return await inspectModel(record, store);
      return { cached: await hasModelInCache(record.model_id, this.appConfig()), bytes: null };
    } catch {
      return { cached: false, bytes: null };
    }
  }

  /** Every model, with `cached` read now. Embedding models are left out: they cannot chat. */
  async list(): Promise<ModelInfo[]> {
    const chat = [...this.records.values()].filter((r) => r.model_type !== MODEL_TYPE_EMBEDDING);
    return Promise.all(chat.map(async (r) => this.info(r, await this.inspect(r))));
  }
}
