import type { ModelStore, Scope } from "./store.js";

/**
 * WebLLM's files in Cache Storage: one cache per scope, keyed by the file's URL, as its
 * `ArtifactCache` keeps them (`cache.add(url)`, read back with `cache.match(url)`).
 */
export function cacheStorageStore(): ModelStore {
  // Opened for each use, never kept: a cache that the app deletes (`caches.delete`) would
  // otherwise swallow every later write.
  const open = (scope: Scope): Promise<Cache> => caches.open(scope);
  const match = async (scope: Scope, url: string): Promise<Response | undefined> => (await open(scope)).match(new Request(url));
  return {
    kind: "cache",
    cheapSize: true,
    async has(scope, url) {
      return (await match(scope, url)) !== undefined;
    },
    async size(scope, url) {
      const res = await match(scope, url);
      if (!res) return null;
      // A stored Content-Length is the body's size unless the body was stored decoded.
      const length = res.headers.get("content-length");
      if (length !== null && !res.headers.has("content-encoding") && /^\d+$/.test(length)) {
        void res.body?.cancel().catch(() => undefined);
        return Number(length);
      }
      return (await res.blob()).size;
    },
    async json(scope, url) {
      const res = await match(scope, url);
      return res ? res.json().catch(() => null) : null;
    },
    async put(scope, url, body) {
      const headers = { "content-type": body.type || "application/octet-stream", "content-length": String(body.size) };
      await (await open(scope)).put(new Request(url), new Response(body, { headers }));
    },
    async delete(scope, url) {
      await (await open(scope)).delete(new Request(url));
    },
    async deleteUnder(scope, prefix) {
      const cache = await open(scope);
      const urls = (await cache.keys()).map((r) => r.url).filter((u) => u.startsWith(prefix));
      await Promise.all(urls.map((u) => cache.delete(u)));
      return urls;
    },
  };
}
