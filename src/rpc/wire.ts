/**
 * The page↔worker wire: the messages on a call's own port, the heartbeat's, and the host's API as
 * comlink exposes it. Types only. Both ends of each protocol live beside this file in `rpc/`.
 */
import type { ChatCompletion, ChatCompletionChunk } from "../openai/chat.js";
import type { LoadProgress, ModelInfo, ModelRecord } from "../openai/models.js";


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

/** Page → worker, on a call's own MessagePort. */
export type CallUpMessage =
  | { t: "credit"; n: number }
  | { t: "cancel" };

/** Worker → page, on a call's own MessagePort. */
export type CallDownMessage =
  | { t: "chunk"; chunk: ChatCompletionChunk }
  | { t: "chunks"; chunks: ChatCompletionChunk[] }
  | { t: "result"; completion: ChatCompletion }
  | { t: "progress"; progress: LoadProgress }
  | { t: "loaded" }
  | { t: "end" }
  | { t: "error"; error: SerializedError };

/** Page → worker, on the heartbeat port. */
export type PulseUpMessage = { t: "ping" };

/**
 * Worker → page, on the heartbeat port: the answer to a ping, or a warning. `busy` says the
 * worker's thread is about to do work that may block it (loading a model, compiling, a prefill),
 * so a silence is not yet a death; `ready` says that work is over.
 */
export type PulseDownMessage = { t: "pong" } | { t: "busy" } | { t: "ready" };

/** Counters that prove the worker releases what it opens. */
export interface HostStats {
  /** Call ports still open. */
  openPorts: number;
  /** Abort listeners still registered. */
  listeners: number;
  /** Requests waiting in the queue. */
  queued: number;
  /** Requests generating now (0 or 1). */
  running: number;
  /** The loaded model, if any. */
  loaded: string | null;
}

/**
 * What the page sends when it connects. comlink proxies functions only when they are
 * top-level arguments, so the hooks travel as arguments of their own, not inside this object.
 */
export interface HostConfig {
  models?: ModelRecord[];
}

/** The page's moderation hook: `true` ends the reply with `finish_reason: "content_filter"`. */
export type ModerateHook = (text: string) => boolean | Promise<boolean>;

/** Progress of any load, including one that `create` starts for a model not yet loaded. */
export type ProgressHook = (progress: LoadProgress) => void;

/** The worker's API, as comlink exposes it. Long calls report on their own MessagePort. */
export interface HostApi {
  configure(config: HostConfig, moderate?: ModerateHook, onProgress?: ProgressHook): Promise<void>;
  listModels(): Promise<ModelInfo[]>;
  /** Starts a chat completion; the result, the chunks or the error arrive on `port`. */
  create(params: unknown, port: MessagePort): void;
  /** Loads a model; progress, completion or the error arrive on `port`. */
  load(model: string, port: MessagePort): void;
  unload(): Promise<void>;
  stats(): Promise<HostStats>;
  /** Answers the page's heartbeat on `port` (see `PulseUpMessage`, `PulseDownMessage`). */
  watch(port: MessagePort): void;
}
