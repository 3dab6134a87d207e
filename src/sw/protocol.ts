/**
 * The messages between pagellm's service worker (`pagellm/sw`) and the pages that serve an
 * engine to it (`serveOverServiceWorker`). Types only. Every message carries `pagellm` so that
 * both sides can ignore the other messages an app's service worker and pages exchange.
 */

/** Page → service worker, on the worker itself: this page serves an engine, or stopped. */
export interface EnginePresence {
  pagellm: "engine-ready" | "engine-gone";
}

/** Service worker → page, with a reply port: do you serve an engine? Answered with `ProbeReply`. */
export interface ProbeMessage {
  pagellm: "probe";
}

/** Page → service worker, on the probe's port. */
export interface ProbeReply {
  pagellm: "here";
}

/** Service worker → page, with a reply port: answer this request with your engine. */
export interface ForwardedRequest {
  pagellm: "fetch";
  url: string;
  method: string;
  headers: [string, string][];
  /** The body's bytes, transferred; null for a request without one. */
  body: ArrayBuffer | null;
}

/**
 * Page → service worker, on the request's port: `accepted` at once, then the response's head,
 * then its body in chunks (each an `ArrayBuffer`, transferred), then `end`; or `error` if the
 * body failed mid-way. A page that has stopped serving, or is frozen, stays silent, and the
 * worker tries another page. Chunks go over the port rather than as a transferred
 * `ReadableStream`: that is several times faster in Chromium, and Safari's support for
 * transferable streams is unverified.
 */
export type ResponseMessage =
  | { t: "accepted" }
  | { t: "head"; status: number; statusText: string; headers: [string, string][] }
  | { t: "chunk"; bytes: ArrayBuffer }
  | { t: "end" }
  | { t: "error"; message: string };

/** Service worker → page, on the request's port: the client aborted or stopped reading. */
export interface CancelMessage {
  t: "cancel";
}
