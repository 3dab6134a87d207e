import { DEFAULT_LIMITS, type ResponseStore, type StoreLimits, type StoredResponse } from "./store.js";

/**
 * A response store in the worker's memory, with the same limits and eviction as the IndexedDB
 * one: for workers without IndexedDB (Node's `worker_threads`) and for tests. It forgets
 * everything when the worker ends. Records are copied in and out, as IndexedDB copies them.
 */
export function memoryStore(limits: StoreLimits = {}): ResponseStore {
  const maxStored = Math.max(1, limits.maxStored ?? DEFAULT_LIMITS.maxStored);
  const ttlMs = limits.ttlMs ?? DEFAULT_LIMITS.ttlMs;
  // Insertion order is age order: a rewrite keeps its place, as its `createdAt` stays.
  const records = new Map<string, StoredResponse>();
  const fresh = (r: StoredResponse | undefined): StoredResponse | undefined => (r && r.createdAt > Date.now() - ttlMs ? structuredClone(r) : undefined);

  return {
    async get(id) {
      return fresh(records.get(id));
    },
    async findItem(id) {
      for (const r of records.values()) if (r.itemIds.includes(id)) return fresh(r);
      return undefined;
    },
    async put(record) {
      records.set(record.id, structuredClone(record));
      const cutoff = Date.now() - ttlMs;
      for (const [id, r] of records) if (r.createdAt <= cutoff && id !== record.id) records.delete(id);
      for (const id of records.keys()) {
        if (records.size <= maxStored) break;
        if (id !== record.id) records.delete(id);
      }
    },
    async delete(id) {
      return records.delete(id);
    },
  };
}
