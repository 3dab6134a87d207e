import { proxy, transfer } from "comlink";
import { BadRequestError, EngineUnavailableError } from "../errors/classes.js";
import type { HostStats } from "../rpc/wire.js";
import type { LoadProgress, ModelRecord } from "../openai/models.js";
import { Call, send } from "../rpc/call.js";
import { Completions, type RequestOptions } from "../endpoints/chat/completions.js";
import { Connection, type WorkerLike } from "../rpc/connection.js";
import type { HeartbeatOptions } from "../rpc/heartbeat.js";
import { Models } from "../endpoints/models/models.js";
import { restFetch } from "../http/router.js";

/** Options of `engine.load`. */
export interface LoadOptions extends RequestOptions {
  onProgress?: ((progress: LoadProgress) => void) | undefined;
}

/** Options of `createEngine`. */
export interface EngineOptions {
  /**
   * The worker that runs `serve()`: a module `Worker`, a `SharedWorker`, or any MessagePort-like
   * endpoint, or a function that makes one. Create it next to your code so your bundler sees it:
   * `() => new Worker(new URL("../page/worker.ts", import.meta.url), { type: "module" })`.
   *
   * Pass a function to let the engine recover by itself. If the worker dies, every pending call
   * rejects with `EngineUnavailableError` (code `worker_crashed`): at once when the death is
   * reported (an uncaught error, `terminate()` on this worker), after the heartbeat's silence
   * bound otherwise. The next call then starts a fresh worker from the function, sends it this
   * configuration again, and loads its model on demand. With a worker object instead, the engine
   * cannot make another; call `engine.restart(newWorker)`.
   */
  worker: WorkerLike | (() => WorkerLike);
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
 * The page's handle on a local model: OpenAI's `chat.completions` and `models`, plus load
 * control. Create one with `createEngine`.
 */
export class Engine {
  private current: Connection;
  private starting: Promise<Connection> | null = null;
  private recovering: Promise<void> | null = null;
  private closed = false;

  /** OpenAI's `chat` namespace. */
  readonly chat: { readonly completions: Completions };
  /** OpenAI's `models` namespace, with local facts on each model. */
  readonly models: Models;
  /**
   * OpenAI's REST API over this engine, as a standard `fetch` function (already bound, so pass it
   * around freely). Give it to any client that takes a custom `fetch`; the host in the URL is
   * ignored and only the path's tail is matched (`…/chat/completions`, `…/models`,
   * `…/models/{id}`). `init.signal` cancels generation in the worker.
   *
   * @example
   * ```ts
   * import OpenAI from "openai";
   * const client = new OpenAI({ apiKey: "local", baseURL: "http://localhost/v1", fetch: engine.fetch, dangerouslyAllowBrowser: true });
   * ```
   */
  readonly fetch: typeof fetch;

  /** @internal Use `createEngine`. */
  constructor(
    connection: Connection,
    private readonly starter: Starter,
  ) {
    this.current = connection;
    const live = (): Promise<Connection> => this.live();
    this.chat = { completions: new Completions(live) };
    this.models = new Models(live);
    this.fetch = restFetch(this);
  }

  /** The link to the current worker; `restart()` replaces it. */
  get connection(): Connection {
    return this.current;
  }

  /**
   * Replaces the worker with a fresh one: `worker`, or one from the engine's factory
   * (`createEngine({ worker: () => new Worker(...) })`). The old worker is terminated and its
   * pending calls reject with `EngineUnavailableError` (code `worker_restarted`); the new one
   * gets the engine's configuration again and loads models on demand. An engine with a factory
   * does this by itself on the first call after its worker dies.
   */
  restart(worker?: WorkerLike): Promise<void> {
    if (this.closed) return Promise.reject(closedError());
    // Restarts run one after another, and `starting` is set before this returns, so that calls
    // made meanwhile wait for the new worker instead of racing to start their own.
    const previous = this.starting;
    const starting = (async (): Promise<Connection> => {
      await previous?.catch(() => {});
      const next = worker ?? this.starter.factory?.();
      if (!next) {
        throw new BadRequestError(
          "This engine was created with a worker object, so it cannot make another: pass one, engine.restart(new Worker(...)), " +
            "or create the engine with worker: () => new Worker(...).",
          "worker",
        );
      }
      this.current.close(new EngineUnavailableError("The engine restarted its worker; requests on the old one were cancelled.", "worker_restarted"));
      const connection = await this.starter.start(next);
      if (this.closed) {
        connection.close();
        throw closedError();
      }
      this.current = connection;
      return connection;
    })();
    this.starting = starting;
    const settled = (): void => {
      if (this.starting === starting) this.starting = null;
    };
    return starting.then(settled, (err: unknown) => {
      settled();
      throw err;
    });
  }

  /** @internal The connection for the next call: after a crash, a fresh worker when there is a factory. */
  async live(): Promise<Connection> {
    if (this.starting) await this.starting.catch(() => {});
    if (this.current.isDead && !this.closed && this.starter.factory) {
      // Shared, so that the calls that find the worker dead start one new worker between them.
      this.recovering ??= this.restart().finally(() => (this.recovering = null));
      await this.recovering;
    }
    return this.current;
  }

  /** Loads a model (from the browser's cache when it is there) and makes it the active one. */
  async load(model: string, options: LoadOptions = {}): Promise<void> {
    const connection = await this.live();
    const call = new Call(connection.calls, options.signal);
    const port = call.handOff(false);
    send(call, port, { model }, connection.rpc((host) => host.load(model, transfer(port, [port]))));
    for (;;) {
      const msg = await call.next();
      if (!msg || msg.t === "loaded") return;
      if (msg.t === "progress") {
        options.onProgress?.(msg.progress);
        this.starter.onProgress?.(msg.progress);
      }
    }
  }

  /**
   * The worker's counters: open call ports, abort listeners, queued and running requests, and
   * the loaded model. They return to zero when every call has settled, which makes leaks visible.
   */
  async stats(): Promise<HostStats> {
    return (await this.live()).rpc((host) => host.stats());
  }

  /** Frees the model's GPU memory. The next request loads it again. */
  async unload(): Promise<void> {
    await (await this.live()).rpc((host) => host.unload());
  }

  /** Ends the worker (or this page's connection to a SharedWorker). Pending calls reject. */
  close(): void {
    this.closed = true;
    this.current.close();
  }
}

const closedError = (): EngineUnavailableError =>
  new EngineUnavailableError("The engine was closed. Create a new one with createEngine().", "engine_closed");

/** How an engine makes connections: to `worker`, configured; and the factory, when it has one. */
interface Starter {
  factory: (() => WorkerLike) | null;
  /** The engine-wide progress hook, which sees every load, `load()` included. */
  onProgress: ((progress: LoadProgress) => void) | undefined;
  start(worker: WorkerLike): Promise<Connection>;
}

/**
 * Connects to a worker that runs `serve()` and returns an `Engine`.
 *
 * @example
 * ```ts
 * const engine = await createEngine({
 *   worker: new Worker(new URL("../page/worker.ts", import.meta.url), { type: "module" }),
 * });
 * ```
 */
export async function createEngine(options: EngineOptions): Promise<Engine> {
  if (!options?.worker) {
    throw new BadRequestError(
      "createEngine needs { worker }: new Worker(new URL(\"./worker.ts\", import.meta.url), { type: \"module\" }) where worker.ts calls serve().",
      "worker",
    );
  }
  const factory = typeof options.worker === "function" ? options.worker : null;
  const config = options.models ? { models: options.models } : {};
  const moderate = options.moderate ? proxy(options.moderate) : undefined;
  const onProgress = options.onProgress ? proxy(options.onProgress) : undefined;
  // Every worker the engine ever starts gets the same configuration.
  const start = async (worker: WorkerLike): Promise<Connection> => {
    const connection = new Connection(worker, options.heartbeat ?? {});
    try {
      await connection.rpc((host) => host.configure(config, moderate, onProgress));
      return connection;
    } catch (err) {
      connection.close();
      throw err;
    }
  };
  const engine = new Engine(await start(factory ? factory() : (options.worker as WorkerLike)), { factory, start, onProgress: options.onProgress });
  try {
    if (options.model) await engine.load(options.model);
    return engine;
  } catch (err) {
    engine.close();
    throw err;
  }
}
