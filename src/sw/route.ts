import { EngineUnavailableError } from "../errors/classes.js";
import { errorResponse } from "../http/reply.js";
import { PageSilentError, forward } from "./forward.js";
import { EnginePages } from "./pages.js";
import { isPagellmMessage } from "./is-message.js";

/** The path prefix `routeToEngine` answers by default. */
export const DEFAULT_PREFIX = "/pagellm/v1/";

/** Options of `routeToEngine`. */
export interface RouteOptions {
  /**
   * The same-origin path prefix to answer, for example `"/app/pagellm/v1/"`. It must lie inside
   * the service worker's scope. Default `"/pagellm/v1/"`. Below it, pagellm's REST routes apply
   * (`chat/completions`, `models`, `models/{id}`), so use `location.origin + prefix` without its
   * trailing slash as a client's `baseURL`.
   */
  prefix?: string;
  /**
   * Take control at once: `skipWaiting()` on install and `clients.claim()` on activate, so that
   * the page that registers the worker can use the route without a reload. Default `true`; set
   * `false` when your service worker manages its own lifecycle.
   */
  claim?: boolean;
  /**
   * How long a page has to answer: to a probe, sent when the worker knows of no page with an
   * engine (after the browser restarted it, for example), and to accept a forwarded request
   * (the page answers at once; generating may take much longer). Default 300 ms.
   */
  probeTimeoutMs?: number;
}

/**
 * Answers pagellm's REST routes inside a service worker, so that clients that only take a
 * `baseURL` (no custom `fetch`) run on the local model too. Each request under `prefix` goes over
 * a MessageChannel to a page that serves its engine with `serveOverServiceWorker(engine)` (the
 * requesting page itself when it does): no second engine runs here. With no such page open, the
 * route answers 503 with OpenAI's error body. Other requests pass through untouched.
 *
 * @example
 * ```ts
 * // sw.ts, registered with navigator.serviceWorker.register("/sw.js", { type: "module" })
 * import { routeToEngine } from "pagellm/sw";
 * routeToEngine();
 * ```
 */
export function routeToEngine(options: RouteOptions = {}): void {
  const sw = globalThis as unknown as ServiceWorkerGlobalScope;
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  const timeoutMs = options.probeTimeoutMs ?? 300;
  const pages = new EnginePages(sw.clients, timeoutMs);

  if (options.claim ?? true) {
    sw.addEventListener("install", () => void sw.skipWaiting());
    sw.addEventListener("activate", (ev) => ev.waitUntil(sw.clients.claim()));
  }

  sw.addEventListener("message", (ev) => {
    const source = ev.source as Client | null;
    if (!isPagellmMessage(ev.data) || !source || typeof source.id !== "string") return;
    if (ev.data.pagellm === "engine-ready") pages.add(source.id);
    else if (ev.data.pagellm === "engine-gone") pages.remove(source.id);
  });

  sw.addEventListener("fetch", (ev) => {
    const url = new URL(ev.request.url);
    if (url.origin !== sw.location.origin || !url.pathname.startsWith(prefix)) return;
    let settle!: () => void;
    ev.waitUntil(new Promise<void>((resolve) => (settle = resolve)));
    ev.respondWith(answer(ev, pages, timeoutMs, settle));
  });
}

async function answer(ev: FetchEvent, pages: EnginePages, timeoutMs: number, settle: () => void): Promise<Response> {
  const started = performance.now();
  try {
    const body = ev.request.method === "GET" || ev.request.method === "HEAD" ? null : await ev.request.arrayBuffer();
    // A page that stopped serving (its `engine-gone` may still be on its way) or that the browser
    // froze does not accept; forget it and try the next one. Each try sends its own copy of the
    // body, because sending transfers it.
    for (let attempt = 0; attempt < 3; attempt++) {
      const page = await pages.pick(ev.clientId || null);
      if (ev.request.signal.aborted) throw ev.request.signal.reason;
      if (!page) break;
      const { response, done } = forward(ev.request, body && body.slice(0), page, timeoutMs);
      try {
        const res = await response;
        void done.then(settle);
        return res;
      } catch (err) {
        if (!(err instanceof PageSilentError)) throw err;
        pages.remove(page.id);
      }
    }
    settle();
    return errorResponse(
      new EngineUnavailableError(
        "No page is serving a pagellm engine to this service worker. Open a page that calls createEngine() and then serveOverServiceWorker(engine).",
        "no_engine_page",
      ),
      started,
    );
  } catch (err) {
    settle();
    throw err;
  }
}
