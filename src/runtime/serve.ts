import { expose, type Endpoint } from "comlink";
import type { Backend } from "../backends/backend.js";
import type { WebLLMBackendOptions } from "../backends/webllm/backend.js";
import { Beacon } from "../rpc/beacon.js";
import { Host } from "./host.js";
import { Lane } from "./lane.js";
import { ABORT_TIMEOUT_MS } from "./queue.js";
import { withResponses, type ResponsesOptions } from "../endpoints/responses/options.js";

/** Options of `serve`. */
export interface ServeOptions {
  /** The model runtime. Defaults to WebLLM, which is imported only when no backend is given. */
  backend?: Backend;
  /** Options of the default WebLLM backend: where it caches (`cacheBackend`), `prebuilt`, `logLevel`, `models`. */
  webllm?: WebLLMBackendOptions;
  /**
   * Where to listen. Defaults to the worker's global scope: a dedicated worker's `self`, or
   * every port that connects to a SharedWorker. Pass an endpoint to serve elsewhere, for example
   * comlink's node adapter around `parentPort` in Node's `worker_threads`.
   */
  endpoint?: Endpoint;
  /**
   * Whether a request for another model may replace the loaded one while other connections
   * (tabs) have work running or queued: `"wait"` (default) queues it, and the model switches
   * between requests; `"when-idle"` refuses it with a 409 `model_switch_refused`.
   */
  switchModels?: "wait" | "when-idle";
  /**
   * How long a request may go on after its caller aborted it, in milliseconds (default 60,000).
   * An aborted generation ends within one decode step, or when the prefill under way finishes;
   * one still running after this is taken as stuck: the backend drops the model, and the next
   * request loads it again from the browser's storage instead of waiting for ever. Raise it
   * where a prefill can take longer (very long prompts on a slow GPU, or a software renderer);
   * `Infinity` waits for ever.
   */
  abortTimeoutMs?: number;
  /** The Responses API's store: IndexedDB limits (`maxStored`, `ttlMs`, `dbName`) or a `store` of your own. See docs/responses.md. */
  responses?: ResponsesOptions;
}

interface SharedScope {
  onconnect: ((ev: MessageEvent) => void) | null;
}

/**
 * Serves pagellm from a worker. Call it once at the top level of the worker module.
 *
 * ```ts
 * // worker.ts
 * import { serve } from "pagellm/worker";
 * serve();
 * ```
 */
export function serve(options: ServeOptions = {}): void {
  const { abortTimeoutMs = ABORT_TIMEOUT_MS } = options;
  if (typeof abortTimeoutMs !== "number" || !(abortTimeoutMs >= 0)) {
    throw new TypeError(`serve(): abortTimeoutMs must be a number of milliseconds >= 0 (Infinity waits for ever), not ${String(abortTimeoutMs)}.`);
  }
  // The lane is created lazily but once, so that all connections of a SharedWorker share one
  // backend and one queue, and so that WebLLM's 6 MB module loads only when it is the backend.
  // One beacon for the thread: importing WebLLM evaluates megabytes of script, so it runs in a
  // busy window that tells the pages' heartbeats to wait.
  const beacon = new Beacon();
  let lane: Promise<Lane> | null = null;
  const getLane = (): Promise<Lane> =>
    (lane ??= (options.backend
      ? Promise.resolve(options.backend)
      : beacon.blocking(() => import("../backends/webllm/backend.js").then((m) => m.webllmBackend(options.webllm)))
    ).then((backend) => {
      const lane = Object.assign(new Lane(backend, beacon), { switchModels: options.switchModels ?? "wait" });
      lane.queue.abortTimeoutMs = abortTimeoutMs;
      return withResponses(lane, options.responses);
    }));

  const exposeOn = (endpoint: Endpoint): void => expose(new Host(getLane, beacon, exposeOn), endpoint);

  if (options.endpoint) return exposeOn(options.endpoint);
  const scope = globalThis as unknown as Partial<SharedScope> & Endpoint;
  if ("onconnect" in scope) {
    scope.onconnect = (ev: MessageEvent) => {
      const port = ev.ports[0];
      if (port) exposeOn(port);
    };
    return;
  }
  exposeOn(scope);
}
