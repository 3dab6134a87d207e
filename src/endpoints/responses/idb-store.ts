import { DEFAULT_LIMITS, type ResponseStore, type StoreLimits, type StoredResponse } from "./store.js";

/** Options of `indexedDbStore`. */
export interface IndexedDbStoreOptions extends StoreLimits {
  /** The database's name. Default `"pagellm-responses"`. */
  dbName?: string;
  /** The IndexedDB to use. Default the worker's own `indexedDB`. */
  indexedDB?: IDBFactory;
}

/** The database's default name: one per origin, shared by every tab and worker of it. */
export const DEFAULT_DB_NAME = "pagellm-responses";
const STORE = "responses";

const done = (t: IDBTransaction): Promise<void> =>
  new Promise((resolve, reject) => {
    t.oncomplete = () => resolve();
    // A quota failure aborts the transaction; its error says why.
    t.onabort = t.onerror = () => reject(t.error ?? new DOMException("The IndexedDB transaction was aborted.", "AbortError"));
  });

const result = <T>(r: IDBRequest<T>): Promise<T> =>
  new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });

/**
 * The default response store: IndexedDB, in the worker. A worker's IndexedDB belongs to its
 * origin, so the dedicated workers of several tabs, and a SharedWorker, all see the same store,
 * and it outlives a reload. Records are keyed by response id, indexed by age (for eviction) and
 * by item id (for `item_reference`). Each write evicts, in the same transaction: records older
 * than `ttlMs` first, then the oldest until at most `maxStored` are left.
 */
export function indexedDbStore(options: IndexedDbStoreOptions = {}): ResponseStore {
  const maxStored = Math.max(1, options.maxStored ?? DEFAULT_LIMITS.maxStored);
  const ttlMs = options.ttlMs ?? DEFAULT_LIMITS.ttlMs;
  const name = options.dbName ?? DEFAULT_DB_NAME;
  let opening: Promise<IDBDatabase> | null = null;

  const db = (): Promise<IDBDatabase> =>
    (opening ??= new Promise<IDBDatabase>((resolve, reject) => {
      const factory = options.indexedDB ?? globalThis.indexedDB;
      if (!factory) throw new DOMException("This worker has no IndexedDB.", "NotSupportedError");
      const req = factory.open(name, 1);
      req.onupgradeneeded = () => {
        const store = req.result.createObjectStore(STORE, { keyPath: "id" });
        store.createIndex("createdAt", "createdAt");
        store.createIndex("itemIds", "itemIds", { multiEntry: true });
      };
      req.onsuccess = () => {
        const conn = req.result;
        // Let another tab upgrade or delete the database; the next call opens it again.
        conn.onversionchange = () => {
          conn.close();
          opening = null;
        };
        conn.onclose = () => (opening = null);
        resolve(conn);
      };
      req.onerror = () => reject(req.error);
    }).catch((err: unknown) => {
      opening = null;
      throw err;
    }));

  const fresh = (r: StoredResponse | undefined): StoredResponse | undefined => (r && r.createdAt > Date.now() - ttlMs ? r : undefined);

  return {
    async get(id) {
      const t = (await db()).transaction(STORE, "readonly");
      return fresh(await result<StoredResponse | undefined>(t.objectStore(STORE).get(id)));
    },

    async findItem(id) {
      const t = (await db()).transaction(STORE, "readonly");
      return fresh(await result<StoredResponse | undefined>(t.objectStore(STORE).index("itemIds").get(id)));
    },

    async put(record) {
      const t = (await db()).transaction(STORE, "readwrite");
      const finished = done(t);
      const store = t.objectStore(STORE);
      const byAge = store.index("createdAt");
      const remove = (keys: IDBValidKey[]): void => {
        for (const k of keys) if (k !== record.id) store.delete(k);
      };
      store.put(record).onsuccess = () => {
        byAge.getAllKeys(IDBKeyRange.upperBound(Date.now() - ttlMs)).onsuccess = (ev) => {
          remove((ev.target as IDBRequest<IDBValidKey[]>).result);
          store.count().onsuccess = (c) => {
            const excess = (c.target as IDBRequest<number>).result - maxStored;
            if (excess > 0) byAge.getAllKeys(null, excess).onsuccess = (old) => remove((old.target as IDBRequest<IDBValidKey[]>).result);
          };
        };
      };
      await finished;
    },

    async delete(id) {
      const t = (await db()).transaction(STORE, "readwrite");
      const finished = done(t);
      const store = t.objectStore(STORE);
      // Callbacks, not awaits, inside a transaction: it commits once no request is pending.
      let found = false;
      store.count(id).onsuccess = (ev) => {
        found = (ev.target as IDBRequest<number>).result > 0;
        if (found) store.delete(id);
      };
      await finished;
      return found;
    },
  };
}
