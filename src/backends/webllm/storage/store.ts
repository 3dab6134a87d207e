import type { AppConfig } from "@mlc-ai/web-llm";
import { CACHE_SCOPES } from "../internals.js";
import { cacheStorageStore } from "./cache-store.js";
import { indexedDBStore } from "./idb-store.js";

/** Where WebLLM keeps downloaded files. `"cache"` (Cache Storage) is WebLLM's default. */
export type CacheBackend = NonNullable<AppConfig["cacheBackend"]>;

/** One of WebLLM's storage scopes: config, library (wasm), or model (tokenizer and weights). */
export type Scope = (typeof CACHE_SCOPES)[keyof typeof CACHE_SCOPES];

/**
 * How WebLLM reads each file back: `tensor-cache.json` as parsed JSON, everything else as bytes.
 * Cache Storage keeps responses either way; IndexedDB keeps the value itself, so it matters there.
 */
export type StoreAs = "json" | "arraybuffer";

/**
 * WebLLM's own storage, read and written in exactly the layout WebLLM reads, so that a file
 * pagellm downloads is one WebLLM finds and never fetches again. pagellm writes a file only once
 * it is complete and checked, in one operation (a `Cache.put`, or one IndexedDB transaction), so
 * a cancelled or broken download never leaves a partial entry behind.
 */
export interface ModelStore {
  readonly kind: CacheBackend;
  /** Whether `size` is cheap (a header) or reads the whole file (IndexedDB keeps bare bytes). */
  readonly cheapSize: boolean;
  has(scope: Scope, url: string): Promise<boolean>;
  /** The stored file's size in bytes, or null when it is not stored. */
  size(scope: Scope, url: string): Promise<number | null>;
  /** The stored file, parsed as JSON; null when it is not stored or not JSON. */
  json(scope: Scope, url: string): Promise<unknown>;
  put(scope: Scope, url: string, body: Blob, as: StoreAs): Promise<void>;
  delete(scope: Scope, url: string): Promise<void>;
  /** Deletes every file whose URL starts with `prefix`; answers the URLs it deleted. */
  deleteUnder(scope: Scope, prefix: string): Promise<string[]>;
}

/**
 * The store for `backend`, or null for the backends whose layout pagellm does not write (OPFS,
 * which names files by a hash of their URL, and the cross-origin storage extension): there,
 * WebLLM downloads by itself.
 */
export function openStore(backend: CacheBackend): ModelStore | null {
  if (backend === "cache") return cacheStorageStore();
  if (backend === "indexeddb") return indexedDBStore();
  return null;
}
