import { IDB_LAYOUT } from "../internals.js";
import type { ModelStore, Scope, StoreAs } from "./store.js";

type Row = { url: string; data: unknown };

const request = <T>(req: IDBRequest<T>): Promise<T> =>
  new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });

/**
 * WebLLM's files in IndexedDB, as its `ArtifactIndexedDBCache` keeps them: one database per
 * scope (version 1), one object store keyed by URL, each row `{ url, data }` where `data` is the
 * file's bytes, or its parsed JSON for `tensor-cache.json`. WebLLM opens the same databases, so
 * whichever of us opens one first creates the store the other expects.
 */
export function indexedDBStore(): ModelStore {
  const dbs = new Map<Scope, Promise<IDBDatabase>>();
  const db = (scope: Scope): Promise<IDBDatabase> => {
    let p = dbs.get(scope);
    if (!p) {
      const open = indexedDB.open(scope, IDB_LAYOUT.version);
      open.onupgradeneeded = () => {
        if (!open.result.objectStoreNames.contains(IDB_LAYOUT.store)) open.result.createObjectStore(IDB_LAYOUT.store, { keyPath: IDB_LAYOUT.key });
      };
      p = request(open).then((d) => {
        // Let the app delete or upgrade the database: close, and open again on next use.
        d.onversionchange = () => {
          d.close();
          dbs.delete(scope);
        };
        return d;
      });
      // A failed open (storage blocked) is retried next time, not remembered.
      p.catch(() => dbs.delete(scope));
      dbs.set(scope, p);
    }
    return p;
  };
  const store = async (scope: Scope, mode: IDBTransactionMode): Promise<IDBObjectStore> =>
    (await db(scope)).transaction(IDB_LAYOUT.store, mode).objectStore(IDB_LAYOUT.store);
  const row = async (scope: Scope, url: string): Promise<Row | undefined> => request((await store(scope, "readonly")).get(url) as IDBRequest<Row | undefined>);
  const range = (prefix: string): IDBKeyRange => IDBKeyRange.bound(prefix, `${prefix}\uffff`);
  return {
    kind: "indexeddb",
    cheapSize: false,
    async has(scope, url) {
      return (await request((await store(scope, "readonly")).getKey(url))) !== undefined;
    },
    async size(scope, url) {
      const data = (await row(scope, url))?.data;
      if (data === undefined) return null;
      if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) return data.byteLength;
      return new Blob([JSON.stringify(data)]).size;
    },
    async json(scope, url) {
      const data = (await row(scope, url))?.data;
      if (data === undefined || data === null) return null;
      if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) {
        try {
          return JSON.parse(new TextDecoder().decode(data)) as unknown;
        } catch {
          return null;
        }
      }
      return data;
    },
    async put(scope, url, body, as: StoreAs) {
      const data = as === "json" ? (JSON.parse(await body.text()) as unknown) : await body.arrayBuffer();
      const s = await store(scope, "readwrite");
      // Written once the transaction commits, not when the request succeeds.
      const committed = new Promise<void>((resolve, reject) => {
        s.transaction.oncomplete = () => resolve();
        s.transaction.onabort = () => reject(s.transaction.error ?? new DOMException("IndexedDB write aborted", "AbortError"));
      });
      s.put({ [IDB_LAYOUT.key]: url, data } satisfies Row);
      await committed;
    },
    async delete(scope, url) {
      await request((await store(scope, "readwrite")).delete(url));
    },
    async deleteUnder(scope, prefix) {
      const s = await store(scope, "readwrite");
      const urls = (await request(s.getAllKeys(range(prefix)))).map(String);
      await request(s.delete(range(prefix)));
      return urls;
    },
  };
}
