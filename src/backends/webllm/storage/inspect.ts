import { CACHE_SCOPES } from "../internals.js";
import type { ModelRecord } from "../../../openai/models.js";
import { modelBaseUrl } from "../urls.js";
import { configFile, libraryFile, manifestFile, parseManifest, shardFiles, tokenizerFile } from "./files.js";
import type { ModelStore } from "./store.js";

/** What storage says about one model. */
export interface Inspection {
  /** Config, library, tokenizer, manifest and every shard are stored. */
  cached: boolean;
  /** The model's bytes from its real files, where its manifest is stored; else null. */
  bytes: number | null;
}

/**
 * Looks at every file of a model in storage, without the network. A library that WebLLM fetches
 * outside its cache (a relative or localhost `model_lib`, served by the app itself) counts as
 * present: WebLLM never stores it, and the app's own origin serves it.
 */
export async function inspectModel(record: ModelRecord, store: ModelStore): Promise<Inspection> {
  const cfg = configFile(record);
  const mf = manifestFile(record);
  const [config, manifestValue, configBytes] = await Promise.all([store.json(cfg.scope, cfg.url), store.json(mf.scope, mf.url), store.size(cfg.scope, cfg.url)]);
  const manifest = parseManifest(manifestValue);
  const lib = libraryFile(record);
  const tok = config && typeof config === "object" ? tokenizerFile(record, config) : null;
  const [libBytes, tokBytes] = await Promise.all([lib ? store.size(lib.scope, lib.url) : 0, tok ? store.size(tok.scope, tok.url) : null]);
  if (!manifest) return { cached: false, bytes: null };
  const shards = shardFiles(record, manifest);
  const weights = shards.reduce((n, s) => n + (s.bytes ?? 0), 0);
  const present = configBytes !== null && libBytes !== null && tokBytes !== null && (await Promise.all(shards.map((s) => store.has(s.scope, s.url)))).every(Boolean);
  return { cached: present, bytes: weights + (configBytes ?? 0) + (libBytes ?? 0) + (tokBytes ?? 0) };
}

/**
 * Deletes every stored file of a model: the shards its stored manifest lists, everything under
 * its base URL (tokenizer, manifest, config), and its library unless `keepLibrary` (another
 * stored model shares it). Answers how many files it deleted.
 */
export async function deleteModelFiles(record: ModelRecord, store: ModelStore, keepLibrary: boolean): Promise<number> {
  const base = modelBaseUrl(record.model);
  const mf = manifestFile(record);
  const manifest = parseManifest(await store.json(mf.scope, mf.url));
  // Shards may live outside the base URL (an absolute or ../ dataPath): delete those by name.
  const outside = manifest ? shardFiles(record, manifest).filter((s) => !s.url.startsWith(base)) : [];
  await Promise.all(outside.map((s) => store.delete(s.scope, s.url)));
  const removed = await Promise.all([store.deleteUnder(CACHE_SCOPES.model, base), store.deleteUnder(CACHE_SCOPES.config, base)]);
  let count = outside.length + removed.flat().length;
  const lib = libraryFile(record);
  if (lib && !keepLibrary && (await store.has(lib.scope, lib.url))) {
    await store.delete(lib.scope, lib.url);
    count++;
  }
  return count;
}
