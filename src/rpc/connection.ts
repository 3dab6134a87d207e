import { releaseProxy, transfer, wrap, type Endpoint, type Remote } from "comlink";
import { EngineUnavailableError, type APIError } from "../errors/classes.js";
import { deserializeError } from "../errors/serialize.js";
import type { EngineStatus, HostApi, ModerateHook, Reply } from "./wire.js";
import type { CallRegistry } from "./call.js";
import { Heartbeat, type HeartbeatOptions } from "./heartbeat.js";

/** What `createEngine` accepts as `worker`. */
export type WorkerLike = Worker | SharedWorker | Endpoint;

const RECOVERY =
  "Pending requests were rejected. An engine created with `worker: () => new Worker(...)` starts a fresh worker on the next request; " +
  "otherwise call engine.restart(new Worker(...)).";

/**
 * The page's link to one worker: the comlink remote, the calls still open on it, and the
 * worker's death. comlink calls to a worker that failed to start, or that died, would wait
 * forever, so every remote call races `dead`, and a death fails every open call at once.
 *
 * A death is seen at once where anything reports it: the worker's `error` event (its script
 * failed to load, or it threw and did not catch), a call to the worker's `terminate()` (which
 * fires no event, so the connection wraps that method of the worker it was given), or the
 * heartbeat's port closing (Node). The heartbeat's silence covers the rest (see
 * `HeartbeatOptions`). A dead connection terminates its worker, so a worker in an unknown state
 * never holds the GPU or answers later.
 */
export class Connection {
  readonly host: Remote<HostApi>;
  readonly calls: CallRegistry = new Set();
  private deathError: APIError | null = null;
  private onDeath: ((err: APIError) => void) | null = null;
  private readonly dead: Promise<never>;
  private readonly detach: () => void;
  private readonly unwatchTerminate: () => void;
  private readonly heartbeat: Heartbeat | null = null;
  private inflight = 0;
  /** The engine status the worker reported last; null until it has. */
  status: EngineStatus | null = null;
  /** Who hears the worker's status reports and the connection's death (the engine). */
  listener: { status(status: EngineStatus): void; lost(err: APIError): void } | null = null;

  constructor(
    private readonly worker: WorkerLike,
    heartbeat: HeartbeatOptions | false = {},
    /** The page's moderation hook, which every call on this connection answers with. */
    readonly moderate?: ModerateHook,
    /** Lets go of the page's presence lock (see `presence.ts`) when the connection ends. */
    private readonly leave: () => void = () => {},
  ) {
    this.dead = new Promise<never>((_, reject) => (this.onDeath = reject));
    this.dead.catch(() => {});
    const endpoint = isShared(worker) ? worker.port : worker;
    if (isShared(worker)) worker.port.start();
    this.host = wrap<HostApi>(endpoint);
    const onError = (ev: Event): void => {
      const message = (ev as Partial<ErrorEvent>).message;
      const detail = message ? `: ${message}` : "";
      this.kill(new EngineUnavailableError(`The pagellm worker failed${detail}. Check the worker script's URL and the console. ${RECOVERY}`, "worker_crashed"));
    };
    // Only real workers: comlink's Node adapter, for one, maps every event type to "message".
    const target = isWorker(worker) || isShared(worker) ? worker : null;
    target?.addEventListener("error", onError);
    this.detach = () => target?.removeEventListener("error", onError);
    this.unwatchTerminate = isWorker(worker)
      ? watchTerminate(worker, () => this.kill(new EngineUnavailableError(`The pagellm worker was terminated (worker.terminate()). ${RECOVERY}`, "worker_crashed")))
      : isLink(worker)
        ? worker.watchLoss((code, message) => this.kill(new EngineUnavailableError(message, code)))
        : () => {};
    // The heartbeat's port also carries the engine's status, so it exists even with no pings.
    if (typeof MessageChannel !== "undefined") {
      const beat = new Heartbeat(
        heartbeat,
        () => this.calls.size > 0 || this.inflight > 0,
        (why) => this.kill(new EngineUnavailableError(`The pagellm worker is gone (${why}): it was terminated, crashed or hangs. ${RECOVERY}`, "worker_crashed")),
        (status) => {
          this.status = status;
          this.listener?.status(status);
        },
      );
      this.heartbeat = beat;
      // Fire and forget: the answer is the pongs, and a worker that never answers is what the
      // heartbeat is there to notice.
      this.host.watch(transfer(beat.remote, [beat.remote])).catch(() => {});
    }
  }

  /**
   * Runs a remote call that answers with a `Reply`, and returns its value or throws its error,
   * rebuilt by class. Rejects as soon as the worker is known to be dead.
   */
  async ask<T>(call: (host: Remote<HostApi>) => Promise<Reply<T>>): Promise<T> {
    const reply = await this.rpc(call);
    if (!reply.ok) throw deserializeError(reply.error);
    return reply.value;
  }

  /** Runs a remote call, but rejects as soon as the worker is known to be dead. */
  async rpc<T>(call: (host: Remote<HostApi>) => Promise<T>): Promise<T> {
    if (this.deathError) throw this.deathError;
    this.inflight++;
    this.heartbeat?.wake();
    try {
      return await Promise.race([call(this.host), this.dead]);
    } finally {
      this.inflight--;
    }
  }

  /** Marks the worker dead, fails every open call with `err`, and lets the worker go. */
  kill(err: APIError): void {
    if (this.deathError) return;
    this.deathError = err;
    this.leave();
    this.onDeath?.(err);
    this.listener?.lost(err);
    for (const call of [...this.calls]) call.fail(err);
    this.heartbeat?.stop();
    this.detach();
    this.unwatchTerminate();
    this.host[releaseProxy]();
    if (isShared(this.worker)) this.worker.port.close();
    else if (isWorker(this.worker)) this.worker.terminate();
    else if (isLink(this.worker)) this.worker.close(err.code);
  }

  /** Whether the worker is known to be dead. */
  get isDead(): boolean {
    return this.deathError !== null;
  }

  /** Ends the worker, or this page's port to a SharedWorker. Safe to call more than once. */
  close(err: APIError = new EngineUnavailableError("The engine was closed. Create a new one with createEngine().", "engine_closed")): void {
    this.kill(err);
  }
}

/**
 * Makes `worker.terminate()` also call `onTerminate`, until the returned function undoes it. The
 * wrapper is an own property of that one worker object; the prototype is left alone.
 */
function watchTerminate(worker: Worker, onTerminate: () => void): () => void {
  const terminate = worker.terminate;
  const own = Object.getOwnPropertyDescriptor(worker, "terminate");
  try {
    worker.terminate = function (this: Worker): void {
      terminate.call(worker);
      onTerminate();
    };
  } catch {
    // A frozen worker object: the heartbeat still notices, only later.
    return () => {};
  }
  return () => {
    if (own) Object.defineProperty(worker, "terminate", own);
    else delete (worker as { terminate?: unknown }).terminate;
  };
}

/** A link to a tab group's worker (see `tabs/group.ts`): it can be cut from its side. */
interface Link extends Endpoint {
  watchLoss(onLoss: (code: string, message: string) => void): () => void;
  close(code?: string | null): void;
}

function isLink(w: WorkerLike): w is Link {
  return typeof (w as Partial<Link>).watchLoss === "function" && typeof (w as Partial<Link>).close === "function";
}

function isWorker(w: WorkerLike): w is Worker {
  return typeof Worker !== "undefined" && w instanceof Worker;
}

function isShared(w: WorkerLike): w is SharedWorker {
  return typeof SharedWorker !== "undefined" && w instanceof SharedWorker;
}
