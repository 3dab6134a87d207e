/**
 * pagellm's service-worker entry point: import it in your service worker to answer
 * `fetch("/pagellm/v1/chat/completions", …)` from any script in the worker's scope with the
 * engine of an open page (see `serveOverServiceWorker` in "pagellm"). It never imports WebLLM.
 */
export { routeToEngine, DEFAULT_PREFIX } from "./sw/route.js";
export type { RouteOptions } from "./sw/route.js";
