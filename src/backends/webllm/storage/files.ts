import type { ModelRecord } from "../../../openai/models.js";
import { CACHE_SCOPES, MODEL_URL } from "../internals.js";
import { chatConfigUrl, modelFileUrl, modelLibUrl, tensorCacheUrl } from "../urls.js";
import type { Scope, StoreAs } from "./store.js";

/** One file of a model, where WebLLM fetches it from and where it keeps it. */
export interface ModelFile {
  /** The file in words, for messages: `the model library (model_lib) of model "x"`. */
  what: string;
  url: string;
  scope: Scope;
  as: StoreAs;
  /** Its size, where `tensor-cache.json` says. */
  bytes?: number;
}

/** The parts of `tensor-cache.json` that pagellm reads: each shard's file and its size. */
export interface TensorManifest {
  records: { dataPath: string; nbytes: number }[];
}

/** `tensor-cache.json`'s shards, or null when `value` is not such a manifest. */
export function parseManifest(value: unknown): TensorManifest | null {
  const records = (value as { records?: unknown } | null)?.records;
  if (!Array.isArray(records)) return null;
  const ok = records.every((r: { dataPath?: unknown; nbytes?: unknown }) => typeof r?.dataPath === "string" && Number.isSafeInteger(r.nbytes) && (r.nbytes as number) >= 0);
  return ok ? { records: records as TensorManifest["records"] } : null;
}

/** `mlc-chat-config.json`. */
export function configFile(r: ModelRecord): ModelFile {
  return { what: `the config (mlc-chat-config.json) of model "${r.model_id}"`, url: chatConfigUrl(r.model), scope: CACHE_SCOPES.config, as: "arraybuffer" };
}

/** The model library, or null where WebLLM fetches it outside its cache (see `modelLibUrl`). */
export function libraryFile(r: ModelRecord): ModelFile | null {
  const lib = modelLibUrl(r.model_lib);
  return lib.cached ? { what: `the model library (model_lib) of model "${r.model_id}"`, url: lib.url, scope: CACHE_SCOPES.wasm, as: "arraybuffer" } : null;
}

/** The one tokenizer file WebLLM will read, from the config's `tokenizer_files`; null when none fits. */
export function tokenizerFile(r: ModelRecord, config: { tokenizer_files?: unknown }): ModelFile | null {
  const listed = Array.isArray(config.tokenizer_files) ? config.tokenizer_files : [];
  const name = MODEL_URL.tokenizers.find((f) => listed.includes(f));
  return name ? { what: `the tokenizer file ${name} of model "${r.model_id}"`, url: modelFileUrl(r.model, name), scope: CACHE_SCOPES.model, as: "arraybuffer" } : null;
}

/** `tensor-cache.json`, the list of weight shards. */
export function manifestFile(r: ModelRecord): ModelFile {
  return { what: `the weight list (tensor-cache.json) of model "${r.model_id}"`, url: tensorCacheUrl(r.model), scope: CACHE_SCOPES.model, as: "json" };
}

/** The weight shards, at the URLs WebLLM resolves against the manifest's own URL. */
export function shardFiles(r: ModelRecord, manifest: TensorManifest): ModelFile[] {
  const base = tensorCacheUrl(r.model);
  return manifest.records.map((s) => ({
    what: `the weight shard ${s.dataPath} of model "${r.model_id}"`,
    url: new URL(s.dataPath, base).href,
    scope: CACHE_SCOPES.model,
    as: "arraybuffer",
    bytes: s.nbytes,
  }));
}
