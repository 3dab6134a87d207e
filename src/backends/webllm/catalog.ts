import { functionCallingModelIds, hasModelInCache, prebuiltAppConfig } from "@mlc-ai/web-llm";
import type { AppConfig, ModelRecord as WebLLMModelRecord } from "@mlc-ai/web-llm";
import { BadRequestError } from "../../errors/classes.js";
import type { ModelInfo, ModelRecord } from "../../openai/models.js";
import { inToolFamily } from "../../tools/families.js";
import { F16_QUANT, requiredFeatures } from "./features.js";
import { MODEL_TYPE_EMBEDDING } from "./internals.js";
import { absoluteUrl } from "./urls.js";

/** Where WebLLM keeps downloaded files. `"cache"` (Cache Storage) is WebLLM's default. */
export type CacheBackend = NonNullable<AppConfig["cacheBackend"]>;

/** `created` of every prebuilt model: a fixed date (2025-01-01), since WebLLM records none. */
export const PREBUILT_CREATED = 1_735_689_600;

/** Whether pagellm can run tool calls on this model id. */
export function supportsTools(id: string): boolean {
  return functionCallingModelIds.includes(id) || inToolFamily(id);
}

/**
 * The catalog: WebLLM's `prebuiltAppConfig.model_list` plus self-hosted records, which win on an
 * id clash. It also builds the `AppConfig` that the engine is given.
 */
export class Catalog {
  private readonly records = new Map<string, ModelRecord>();
  private readonly custom = new Map<string, number>();
  private readonly learned = new Map<string, number>();

  constructor(
    private readonly cacheBackend: CacheBackend = "cache",
    includePrebuilt = true,
  ) {
    if (includePrebuilt) for (const r of prebuiltAppConfig.model_list) this.records.set(r.model_id, r as ModelRecord);
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
  info(record: ModelRecord, cached: boolean): ModelInfo {
    const custom = this.custom.get(record.model_id);
    const overrides = (record.overrides ?? {}) as { context_window_size?: unknown };
    const fromOverrides = typeof overrides.context_window_size === "number" && overrides.context_window_size > 0 ? overrides.context_window_size : null;
    return {
      id: record.model_id,
      object: "model",
      created: custom ?? PREBUILT_CREATED,
      owned_by: custom === undefined ? "mlc-ai" : "self-hosted",
      vram_required_mb: typeof record.vram_required_MB === "number" ? record.vram_required_MB : null,
      context_window: fromOverrides ?? this.learned.get(record.model_id) ?? null,
      requires: requiredFeatures(record),
      tools: supportsTools(record.model_id),
      cached,
    };
  }

  /** Whether the weights are in this browser's cache; `false` where the cache cannot be read. */
  async isCached(id: string): Promise<boolean> {
    try {
      return await hasModelInCache(id, this.appConfig());
    } catch {
      return false;
    }
  }

  /** Every model, with `cached` read now. Embedding models are left out: they cannot chat. */
  async list(): Promise<ModelInfo[]> {
    const config = this.appConfig();
    const chat = [...this.records.values()].filter((r) => r.model_type !== MODEL_TYPE_EMBEDDING);
    return Promise.all(
      chat.map(async (r) => {
        let cached = false;
        try {
          cached = await hasModelInCache(r.model_id, config);
        } catch {
          // Cache Storage is unavailable (an opaque origin, or storage blocked): not cached.
        }
        return this.info(r, cached);
      }),
    );
  }
}
