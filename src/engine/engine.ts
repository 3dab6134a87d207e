import { transfer } from "comlink";
import { EngineUnavailableError } from "../errors/classes.js";
import { UsageError } from "../errors/usage.js";
import type { LoadProgress } from "../openai/models.js";
import { Call, send } from "../rpc/call.js";
import type { Connection, WorkerLike } from "../rpc/connection.js";
import type { EngineStatus } from "../rpc/wire.js";
import { liveAbortListeners } from "../util/abort.js";
import { Completions } from "../endpoints/chat/completions.js";
import { Models } from "../endpoints/models/models.js";
import { Responses } from "../endpoints/responses/responses.js";
import type { EngineStats, LoadOptions } from "./options.js";

/** How an engine makes connections: to `worker`, configured; and the factory, when it has one. */
export interface Starter {
  factory: (() => WorkerLike | Promise<WorkerLike>) | null;
  /** The engine-wide progress hook, which sees every load, `load()` included. */
  onProgress: ((progress: LoadProgress) => void) | undefined;
  start(worker: WorkerLike): Promise<Connection>;
}

/** What a closed engine's calls throw: the app's own code used it after `close()`. */
export const closedError = (): UsageError =>
  new UsageError("This engine was closed with engine.close(). Create a new one with createEngine() before making more calls.", "engine", "engine_closed");

/** The event an engine dispatches whenever its `status` changes. */
export class EngineStatusEvent extends Event {
  constructor(readonly status: EngineStatus) {
    super("status");
  }
}

/** The `status` event, typed, on top of `EventTarget`'s own signatures. */
export interface Engine {
  addEventListener(type: "status", listener: (event: EngineStatusEvent) => void, options?: boolean | AddEventListenerOptions): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | AddEventListenerOptions): void;
  removeEventListener(type: "status", listener: (event: EngineStatusEvent) => void, options?: boolean | EventListenerOptions): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | EventListenerOptions): void;
}

/**
 * The page's handle on a local model: OpenAI's `chat.completions` and `models`, plus load
 * control. Create one with `createEngine`.
 *
 * It is an `EventTarget`: `engine.addEventListener("status", (e) => show(e.status))` hears every
 * change of `engine.status`, including loads that another tab started on a shared worker.
 */
export class Engine extends EventTarget {
  #current: Connection;
  #status: EngineStatus = { state: "idle" };
  #starting: Promise<Connection> | null = null;
  #recovering: Promise<void> | null = null;
  #closed = false;
  #fetch: Promise<typeof fetch> | null = null;
  readonly #starter: Starter;

  /** OpenAI's `chat` namespace. */
  readonly chat: { readonly completions: Completions };
  /** OpenAI's `models` namespace, with local facts on each model. */
  readonly models: Models;
  /** OpenAI's Responses API (`create`, `retrieve`, `delete`, `inputItems.list`), stored on this device. */
  readonly responses: Responses;

  /** @internal Use `createEngine`. */
  constructor(connection: Connection, starter: Starter) {
    super();
    this.#current = connection;
    this.#adopt(connection);
    this.#starter = starter;
    const live = (): Promise<Connection> => this.#live();
    this.chat = { completions: new Completions(live) };
    this.models = new Models(live);
    this.responses = new Responses(live);
  }

  /**
   * Where the engine stands: `idle`, `loading` (with the latest progress), `ready` (with the
   * model), `lost` (the GPU device or the worker; the next request recovers where it can) or
   * `closed`. Every tab on a shared worker sees the same status, a tab that connects mid-load
   * included. A `status` event is dispatched on each change.
   */
  get status(): EngineStatus {
    return this.#status;
  }

  #setStatus(status: EngineStatus): void {
    if (this.#status.state === "closed") return;
    this.#status = status;
    this.dispatchEvent(new EngineStatusEvent(status));
  }

  /** Makes `connection` the one whose status and death this engine reports. */
  #adopt(connection: Connection): void {
    connection.listener = {
      status: (status) => {
        if (connection === this.#current) this.#setStatus(status);
      },
      lost: (err) => {
        if (connection === this.#current && !this.#closed) this.#setStatus({ state: "lost", code: err.code ?? "worker_crashed", message: err.message });
      },
    };
    if (connection.status) this.#setStatus(connection.status);
  }

  /**
   * OpenAI's REST API over this engine, as a standard `fetch` function (already bound, so pass it
   * around freely). Give it to any client that takes a custom `fetch`; the host in the URL is
   * ignored and only the path's tail is matched (`…/chat/completions`, `…/models`,
   * `…/models/{id}`). `init.signal` cancels generation in the worker.
   *
   * The REST adapter loads on the first call, so an app that never uses it does not bundle it;
   * `createFetch(engine, options)` builds one directly, with options.
   *
   * @example
   * ```ts
   * import OpenAI from "openai";
   * const client = new OpenAI({ apiKey: "local", baseURL: "http://localhost/v1", fetch: engine.fetch, dangerouslyAllowBrowser: true });
   * ```
   */
  readonly fetch: typeof fetch = async (input, init) => {
    this.#fetch ??= import("../http/create-fetch.js").then((m) => m.createFetch(this));
    return (await this.#fetch)(input, init);
  };

  /**
   * Replaces the worker with a fresh one: `worker`, or one from the engine's factory
   * (`createEngine({ worker: () => new Worker(...) })`). The old worker is terminated and its
   * pending calls reject with `EngineUnavailableError` (code `worker_restarted`); the new one
   * gets the engine's configuration again and loads models on demand. An engine with a factory
   * does this by itself on the first call after its worker dies.
   */
  restart(worker?: WorkerLike): Promise<void> {
    if (this.#closed) return Promise.reject(closedError());
    // Restarts run one after another, and `starting` is set before this returns, so that calls
    // made meanwhile wait for the new worker instead of racing to start their own.
    const previous = this.#starting;
    const starting = (async (): Promise<Connection> => {
      await previous?.catch(() => {});
      const next = worker ?? (await this.#starter.factory?.());
      if (!next) {
        throw new UsageError(
          "This engine was created with a worker object, so it cannot make another: pass one, engine.restart(new Worker(...)), " +
            "or create the engine with worker: () => new Worker(...).",
          "worker",
          "worker_required",
        );
      }
      this.#current.close(new EngineUnavailableError("The engine restarted its worker; requests on the old one were cancelled.", "worker_restarted"));
      const connection = await this.#starter.start(next);
      if (this.#closed) {
        connection.close();
        throw closedError();
      }
      this.#current = connection;
      this.#adopt(connection);
      return connection;
    })();
    this.#starting = starting;
    const settled = (): void => {
      if (this.#starting === starting) this.#starting = null;
    };
    return starting.then(settled, (err: unknown) => {
      settled();
      throw err;
    });
  }

  /** The connection for the next call: after a crash, a fresh worker when there is a factory. */
  async #live(): Promise<Connection> {
    if (this.#closed) throw closedError();
    if (this.#starting) await this.#starting.catch(() => {});
    if (this.#current.isDead && !this.#closed && this.#starter.factory) {
      // Shared, so that the calls that find the worker dead start one new worker between them.
      this.#recovering ??= this.restart().finally(() => (this.#recovering = null));
      await this.#recovering;
    }
    return this.#current;
  }

  /**
   * Loads a model (from the browser's storage when it is there) and makes it the active one.
   * It first asks the browser to keep this site's storage (`navigator.storage.persist()`), so
   * that downloaded weights are not evicted under storage pressure.
   */
  async load(model: string, options: LoadOptions = {}): Promise<void> {
    // Gigabytes may follow: ask the browser not to evict them. Only a window can ask (workers
    // have no `persist()`); Chrome decides without a prompt, Firefox asks the user.
    void globalThis.navigator?.storage?.persist?.().catch(() => false);
    const connection = await this.#live();
    const call = new Call(connection, options.signal);
    const port = call.handOff(false);
    send(call, port, { model }, connection.rpc((host) => host.load(model, transfer(port, [port]))));
    for (;;) {
      const msg = await call.next();
      if (!msg || msg.t === "loaded") return;
      if (msg.t === "progress") {
        options.onProgress?.(msg.progress);
        this.#starter.onProgress?.(msg.progress);
      }
    }
  }

  /**
   * The worker's counters (open call ports, abort listeners, queued and running requests, the
   * loaded model) and the page's (open calls, abort listeners, whether the worker is alive).
   * It never starts a worker: after a crash it reports the dead one.
   */
  async stats(): Promise<EngineStats> {
    if (this.#starting) await this.#starting.catch(() => {});
    const connection = this.#current;
    const page = { pageCalls: connection.calls.size, pageListeners: liveAbortListeners(), workerAlive: !connection.isDead };
    if (connection.isDead) return { openPorts: 0, listeners: 0, queued: 0, running: 0, loaded: null, ...page };
    return { ...(await connection.ask((host) => host.stats())), ...page };
  }

  /** Frees the model's GPU memory. The next request loads it again. */
  async unload(): Promise<void> {
    await (await this.#live()).ask((host) => host.unload());
  }

  /** Ends the worker (or this page's connection to a SharedWorker). Pending calls reject. */
  close(): void {
    this.#closed = true;
    this.#current.close();
    this.#setStatus({ state: "closed" });
  }
}
