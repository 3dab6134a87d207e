// @ts-check
/// <reference lib="webworker" />
/**
 * The demo's service worker: it keeps the app shell (HTML, scripts, styles, icons, the worker
 * and WebLLM's chunk) so that the demo opens with the network off. Model weights are not its
 * business: WebLLM keeps those in Cache Storage itself, and they are cross-origin anyway.
 *
 * Network first, cache as fallback: online, a person always gets the newest demo (and a
 * developer running `npm run demo` never sees a stale module); offline, the last good copy.
 * A production build also lists every file it emitted in precache.json, and the page reports
 * the files it loaded before this worker took control, so the first visit is enough.
 */
const sw = /** @type {ServiceWorkerGlobalScope} */ (/** @type {unknown} */ (self));
const CACHE = "pagellm-demo-shell-v1";
const SHELL = ["./", "./manifest.webmanifest", "./icon.svg", "./icon-maskable.svg"];

/** @param {Cache} cache @param {string[]} urls */
async function addAll(cache, urls) {
  // One by one, so that one missing file does not cost the others.
  await Promise.all(urls.map((url) => cache.add(new Request(url, { cache: "reload" })).catch(() => undefined)));
}

sw.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      await addAll(cache, SHELL);
      const list = await fetch("./precache.json", { cache: "no-store" })
        .then((r) => (r.ok ? r.json() : []))
        .catch(() => []);
      if (Array.isArray(list)) await addAll(cache, list.map((f) => `./${f}`));
      await sw.skipWaiting();
    })(),
  );
});

sw.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys()) if (key.startsWith("pagellm-demo-shell-") && key !== CACHE) await caches.delete(key);
      await sw.clients.claim();
    })(),
  );
});

sw.addEventListener("message", (event) => {
  const data = event.data;
  if (data?.type !== "precache" || !Array.isArray(data.urls)) return;
  const urls = data.urls.filter((/** @type {unknown} */ u) => typeof u === "string" && new URL(u).origin === sw.location.origin);
  event.waitUntil(
    caches.open(CACHE).then(async (cache) => {
      const missing = [];
      for (const url of urls) if (!(await cache.match(url))) missing.push(url);
      await addAll(cache, missing);
    }),
  );
});

sw.addEventListener("fetch", (event) => {
  const req = event.request;
  if (req.method !== "GET" || req.headers.has("range")) return;
  const url = new URL(req.url);
  if (url.origin !== sw.location.origin) return;
  // Vite's dev client pings the server to learn when it is back; it must see the real network,
  // or it would reload the page in a loop while offline.
  if (req.headers.get("accept")?.includes("text/x-vite-ping")) return;
  event.respondWith(networkFirst(event, req));
});

/** @param {FetchEvent} event @param {Request} req */
async function networkFirst(event, req) {
  const cache = await caches.open(CACHE);
  try {
    const res = await fetch(req);
    if (res.ok && res.type === "basic") event.waitUntil(cache.put(req, res.clone()).catch(() => undefined));
    return res;
  } catch (err) {
    const hit = (await cache.match(req, { ignoreVary: true })) ?? (req.mode === "navigate" ? await cache.match("./") : undefined);
    if (hit) return hit;
    throw err;
  }
}
