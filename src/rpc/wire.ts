/**
 * The page↔worker wire: the messages on a call's own port, the heartbeat's, and the host's API as
 * comlink exposes it. Types only. Both ends of each protocol live beside this file in `rpc/`.
 */
import type { LoadProgress, ModelDeleted, ModelInfo, ModelRecord } from "../openai/models.js";

/** An error as it crosses the worker boundary: plain data from which the page rebuilds the class. */
export interface SerializedError {
  name: string;
  message: string;
  status: number | undefined;
  type: string | null;
  code: string | null;
  param: string | null;
  /** Class-specific facts, such as the URL of a failed download. */
  extra?: Record<string, unknown>;
}

/**
 * The answer of a plain comlink call: the value, or the error as data. pagellm carries errors in
 * this envelope of its own instead of through comlink's global `throw` handler, which the host
 * app's own comlink workers share and must find untouched.
 */
export type Reply<T> = { ok: true; value: T } | { ok: false; error: SerializedError };

/** Page → worker, on a call's own MessagePort. */
export type CallUpMessage =
  | { t: "credit"; n: number }
  | { t: "cancel" }
  /**
   * The page's verdicts on `moderate` message `seq`: the index of the first piece its hook
   * flagged (every later piece counts as flagged too), or -1; or the hook's error.
   */
  | { t: "verdict"; seq: number; flaggedAt: number; error?: SerializedError };

/**
 * Worker → page, on a call's own MessagePort. `Item` is what the endpoint streams: chat chunks,
 * or Responses API events.
 */
export type CallDownMessage<Item = unknown> =
  | { t: "chunk"; chunk: Item }
  | { t: "chunks"; chunks: Item[] }
  | { t: "result"; result: unknown }
  | { t: "progress"; progress: LoadProgress }
  /**
   * New output for the page's moderation hook, as the pieces (deltas) made since the last
   * `moderate` message: only new text crosses, so the cost per delta follows the delta, not the
   * reply so far, and the pieces of one worker task share one message. The page keeps the whole
   * text, asks its hook once per piece, and answers with one `verdict` before the worker sends
   * any of those pieces on.
   */
  | { t: "moderate"; seq: number; texts: string[] }
  | { t: "loaded" }
  | { t: "end" }
  | { t: "error"; error: SerializedError };

/** Page → worker, on the heartbeat port. */
export type PulseUpMessage = { t: "ping" };

/**
 * Worker → page, on the heartbeat port: the answer to a ping, a warning, or the engine's status.
 * `busy` says the worker's thread is about to do work that may block it (loading a model,
 * compiling, a prefill), so a silence is not yet a death; `ready` says that work is over.
 * `status` reaches every connected page whenever it changes, and a page that connects gets the
 * current one at once.
 */
export type PulseDownMessage = { t: "pong" } | { t: "busy" } | { t: "ready" } | { t: "status"; status: EngineStatus };

/**
 * Where the engine stands, the same for every tab that shares its worker:
 * - `idle`: no model is loaded;
 * - `loading`: a model is loading, with the latest progress (whichever tab started the load);
 * - `ready`: `model` is loaded and serving;
 * - `lost`: the GPU device or the worker was lost (`code`: `device_lost`, `worker_crashed`,
 *   `leader_changed`); the next request recovers by itself where it can;
 * - `closed`: this page closed its engine.
 */
export type EngineStatus =
  | { state: "idle" }
  | { state: "loading"; model: string; progress: LoadProgress }
  | { state: "ready"; model: string }
  | { state: "lost"; code: string; message: string }
  | { state: "closed" };

/** Counters that prove the worker releases what it opens. */
export interface HostStats {
  /** Call ports still open. */
  openPorts: number;
  /** Abort listeners the worker has registered and not yet removed. */
  listeners: number;
  /** Requests waiting in the queue. */
  queued: number;
  /** Requests generating now (0 or 1). */
  running: number;
  /** The loaded model, if any. */
  loaded: string | null;
}

/** What the page sends when it connects (and again to every worker it restarts). */
export interface HostConfig {
  models?: ModelRecord[];
  /** Whether the page has a moderation hook; the worker then asks for a verdict on each delta. */
  moderate?: boolean;
  /** The Web Lock the page holds while it lives (see `rpc/presence.ts`); its calls end when it is let go. */
  presence?: string;
}

/** The page's moderation hook: `true` ends the reply with `finish_reason: "content_filter"`. */
export type ModerateHook = (text: string) => boolean | Promise<boolean>;

/** Progress of any load, including one that `create` starts for a model not yet loaded. */
export type ProgressHook = (progress: LoadProgress) => void;

/** The endpoints a call port can serve; each is a folder under `endpoints/`. */
export type EndpointName = "chat.completions.create" | "responses.create" | "responses.retrieve" | "responses.delete" | "responses.inputItems.list";

/**
 * The worker's API, as comlink exposes it. Long calls report on their own MessagePort; the
 * others answer with a `Reply`, never by throwing. comlink proxies functions only when they are
 * top-level arguments, so `onProgress` travels as an argument of its own.
 */
export interface HostApi {
  configure(config: HostConfig, onProgress?: ProgressHook): Promise<Reply<void>>;
  listModels(): Promise<Reply<ModelInfo[]>>;
  /** Removes a model's stored files, unloading it first when it is loaded. */
  deleteModel(id: string): Promise<Reply<ModelDeleted>>;
  /** Starts a call of `endpoint`; the result, the chunks or the error arrive on `port`. */
  call(endpoint: EndpointName, params: unknown, port: MessagePort): void;
  /** Loads a model; progress, completion or the error arrive on `port`. */
  load(model: string, port: MessagePort): void;
  unload(): Promise<Reply<void>>;
  stats(): Promise<Reply<HostStats>>;
  /** Answers the page's heartbeat on `port` (see `PulseUpMessage`, `PulseDownMessage`). */
  watch(port: MessagePort): void;
  /**
   * Serves another connection on `port`, as a SharedWorker serves each tab: how the leader tab
   * of the fallback without SharedWorker connects the other tabs to its dedicated worker.
   */
  attach(port: MessagePort): void;
}
