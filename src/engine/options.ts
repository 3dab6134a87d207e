import type { LoadProgress, ModelRecord } from "../openai/models.js";
import type { RequestOptions } from "../endpoints/chat/completions.js";
import type { WorkerLike } from "../rpc/connection.js";
import type { HeartbeatOptions } from "../rpc/heartbeat.js";
import type { HostStats } from "../rpc/wire.js";
import type { SharedEngineWorker } from "../tabs/shared-worker.js";

/** Options of `engine.load`. */
export interface LoadOptions extends RequestOptions {
  onProgress?: ((progress: LoadProgress) => void) | undefined;
}

/** Options of `createEngine`. */
export interface EngineOptions {
  /**
   * The worker that runs `serve()`: a module `Worker`, a `SharedWorker`, or any MessagePort-like
   * endpoint, or a function that makes one. Create it next to your code so your bundler sees it:
   * `() => new Worker(new URL("./worker.ts", import.meta.url), { type: "module" })`.
   *
   * Pass a function to let the engine recover by itself. If the worker dies, every pending call
   * rejects with `EngineUnavailableError` (code `worker_crashed`): at once when the death is
   * reported (an uncaught error, `terminate()` on this worker), after the heartbeat's silence
   * bound otherwise. The next call then starts a fresh worker from the function, sends it this
   * configuration again, and loads its model on demand. With a worker object instead, the engine
   * cannot make another; call `engine.restart(newWorker)`.
   */
  worker: WorkerLike | (() => WorkerLike) | SharedEngineWorker;
  /**
   * How the engine notices a worker that died without any report (the browser killed it, it is
   * stuck in a loop): a heartbeat on its own port while calls are pending. By default 5 s of
   * silence (30 s while the worker says it is loading a model or prefilling) counts as a death;
   * `false` turns it off. See `HeartbeatOptions`.
   */
  heartbeat?: HeartbeatOptions | false;
  /** A model to load right away. `createEngine` resolves once it is ready. */
  model?: string;
  /** Progress of every load: the preload, `load()`, and a load that `create` starts itself. */
  onProgress?: (progress: LoadProgress) => void;
  /** Extra models in WebLLM's `ModelRecord` shape: self-hosted weights for offline apps or intranets. */
  models?: ModelRecord[];
  /** Your moderation hook. Returning `true` ends the reply with `finish_reason: "content_filter"`. */
  moderate?: (text: string) => boolean | Promise<boolean>;
}

/**
 * What `engine.stats()` reports: the worker's counters, and the page's own. They return to zero
 * when every call has settled, which makes leaks visible. A dead worker holds nothing, so its
 * counters read 0 until the engine starts another.
 */
export interface EngineStats extends HostStats {
  /** Calls this page has open on the current worker (waiting for a result, or streaming). */
  pageCalls: number;
  /** Abort listeners this page's pagellm has registered and not yet removed. */
  pageListeners: number;
  /** Whether the current worker is alive; `false` after a crash, until the next call restarts it. */
  workerAlive: boolean;
}
