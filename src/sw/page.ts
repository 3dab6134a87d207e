import { EngineUnavailableError } from "../errors/classes.js";
import { UsageError } from "../errors/usage.js";
import { isPagellmMessage } from "./is-message.js";
import type {
  CancelMessage,
  EnginePresence,
  ForwardedRequest,
  ProbeReply,
  ResponseMessage,
} from "./protocol.js";

// The service worker knows pages by client id, so one page serves at most one engine.
let serving = false;

/** Options of `serveOverServiceWorker`. */
export interface ServeOverServiceWorkerOptions {
  /**
   * The scope (or any URL inside it) of the registration that runs `routeToEngine`. Default: the
   * registration that controls this page (`navigator.serviceWorker.ready`). Pass it when the
   * page with the engine lies outside that worker's scope.
   */
  scope?: string;
  /** Stops serving when it aborts, like calling the returned function. */
  signal?: AbortSignal;
}

/**
 * Serves `engine` to pagellm's service worker (`routeToEngine` from "pagellm/sw"), so that a
 * plain `fetch("/pagellm/v1/chat/completions", …)` from any script in the worker's scope, or a
 * client given only a `baseURL`, is answered by this page's engine. The service worker forwards
 * each request here over a MessageChannel, and the response streams back chunk by chunk. Call the
 * returned function to stop; requests still in flight are then aborted, and new ones get 503
 * unless another page serves an engine. A page serves one engine at a time; a second call before
 * stopping the first throws `UsageError`.
 *
 * @example
 * ```ts
 * await navigator.serviceWorker.register("/sw.js", { type: "module" });
 * const stop = serveOverServiceWorker(engine);
 * const r = await fetch("/pagellm/v1/chat/completions", { method: "POST", body: JSON.stringify({ model, messages }) });
 * ```
 */
export function serveOverServiceWorker(engine: { fetch: typeof fetch }, options: ServeOverServiceWorkerOptions = {}): () => void {
  const container = typeof navigator === "undefined" ? undefined : navigator.serviceWorker;
  if (!container) {
    throw new EngineUnavailableError(
      "Service workers are not available here. They need a secure context (https, or http://localhost) and a browser that supports them.",
      "service_worker_unavailable",
    );
  }
  if (serving) {
    throw new UsageError(
      "This page already serves an engine over the service worker. Call the function that serveOverServiceWorker returned before serving another.",
      "engine",
      "already_serving",
    );
  }
  serving = true;
  const inFlight = new Set<AbortController>();
  let stopped = false;

  const onMessage = (ev: MessageEvent): void => {
    const port = ev.ports[0];
    if (stopped || !isPagellmMessage(ev.data) || !port) return;
    if (ev.data.pagellm === "probe") {
      const reply: ProbeReply = { pagellm: "here" };
      port.postMessage(reply);
      port.close();
    } else if (ev.data.pagellm === "fetch") {
      void answer(engine.fetch, ev.data as ForwardedRequest, port, inFlight);
    }
  };

  // Tell the worker at once, so its first request needs no probe. A new worker version
  // (controllerchange) starts with empty memory, so it is told again.
  const announce = (pagellm: EnginePresence["pagellm"]): void => {
    const message: EnginePresence = { pagellm };
    container.controller?.postMessage(message);
    const registration = options.scope ? container.getRegistration(options.scope) : container.ready;
    registration
      .then((r) => {
        if (r?.active && r.active !== container.controller) r.active.postMessage(message);
      })
      .catch(() => {});
  };
  const onControllerChange = (): void => announce("engine-ready");

  container.addEventListener("message", onMessage);
  container.addEventListener("controllerchange", onControllerChange);
  // Messages from a service worker wait in a queue until this is called (or `onmessage` is set).
  container.startMessages();
  announce("engine-ready");

  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    serving = false;
    container.removeEventListener("message", onMessage);
    container.removeEventListener("controllerchange", onControllerChange);
    options.signal?.removeEventListener("abort", stop);
    for (const controller of inFlight) controller.abort();
    announce("engine-gone");
  };
  if (options.signal?.aborted) stop();
  else options.signal?.addEventListener("abort", stop, { once: true });
  return stop;
}

/** Answers one forwarded request with `fetchFn`, streaming the body back over `port`. */
async function answer(fetchFn: typeof fetch, req: ForwardedRequest, port: MessagePort, inFlight: Set<AbortController>): Promise<void> {
  const controller = new AbortController();
  inFlight.add(controller);
  port.onmessage = (ev: MessageEvent<CancelMessage>) => {
    if (ev.data?.t === "cancel") controller.abort();
  };
  const post = (msg: ResponseMessage, transfer: Transferable[] = []): void => port.postMessage(msg, transfer);
  post({ t: "accepted" });
  try {
    const res = await fetchFn(req.url, { method: req.method, headers: req.headers, body: req.body, signal: controller.signal });
    post({ t: "head", status: res.status, statusText: res.statusText, headers: [...res.headers] });
    const reader = res.body?.getReader();
    for (;;) {
      if (!reader) break;
      const { value, done } = await reader.read();
      if (done) break;
      const bytes = value.slice().buffer as ArrayBuffer;
      post({ t: "chunk", bytes }, [bytes]);
    }
    post({ t: "end" });
  } catch (err) {
    // After a cancel from the service worker nobody reads this; after `stop()` it fails the body.
    post({ t: "error", message: err instanceof Error ? err.message : String(err) });
  } finally {
    inFlight.delete(controller);
    port.onmessage = null;
    port.close();
  }
}
