import { releaseProxy, wrap, type Endpoint, type Remote } from "comlink";
import { EngineUnavailableError, type APIError } from "../errors.js";
import type { HostApi } from "../protocol.js";
import type { Call, CallRegistry } from "./call.js";

/** What `createEngine` accepts as `worker`. */
export type WorkerLike = Worker | SharedWorker | Endpoint;

/**
 * The page's link to one worker: the comlink remote, the calls still open on it, and the
 * worker's death. comlink calls to a worker that failed to start, or that died, would wait
 * forever, so every remote call races `dead`, and a death fails every open call at once.
 */
export class Connection {
  readonly host: Remote<HostApi>;
  readonly calls: CallRegistry = new Set<Call>();
  private deathError: APIError | null = null;
  private closed = false;
  private onDeath: ((err: APIError) => void) | null = null;
  private readonly dead: Promise<never>;
  private readonly detach: () => void;

  constructor(private readonly worker: WorkerLike) {
    this.dead = new Promise<never>((_, reject) => (this.onDeath = reject));
    this.dead.catch(() => {});
    const endpoint = isShared(worker) ? worker.port : worker;
    if (isShared(worker)) worker.port.start();
    this.host = wrap<HostApi>(endpoint);
    const onError = (ev: Event): void => {
      const message = (ev as Partial<ErrorEvent>).message;
      const detail = message ? `: ${message}` : "";
      this.kill(new EngineUnavailableError(
        `The pagellm worker failed${detail}. Check the worker script's URL and the console; engine.close() and createEngine() start a new one.`,
        "worker_crashed",
      ));
    };
    // Only real workers: comlink's Node adapter, for one, maps every event type to "message".
    const target = isWorker(worker) || isShared(worker) ? worker : null;
    target?.addEventListener("error", onError);
    this.detach = () => target?.removeEventListener("error", onError);
  }

  /** Runs a remote call, but rejects as soon as the worker is known to be dead. */
  async rpc<T>(call: (host: Remote<HostApi>) => Promise<T>): Promise<T> {
    if (this.deathError) throw this.deathError;
    return Promise.race([call(this.host), this.dead]);
  }

  /** Marks the worker dead and fails every open call with `err`. */
  kill(err: APIError): void {
    if (this.deathError) return;
    this.deathError = err;
    this.onDeath?.(err);
    for (const call of [...this.calls]) call.fail(err);
  }

  /** Whether the worker is known to be dead. */
  get isDead(): boolean {
    return this.deathError !== null;
  }

  /** Ends the worker, or this page's port to a SharedWorker. Safe to call more than once. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.kill(new EngineUnavailableError("The engine was closed. Create a new one with createEngine().", "engine_closed"));
    this.detach();
    this.host[releaseProxy]();
    if (isShared(this.worker)) this.worker.port.close();
    else if (isWorker(this.worker)) this.worker.terminate();
  }
}

function isWorker(w: WorkerLike): w is Worker {
  return typeof Worker !== "undefined" && w instanceof Worker;
}

function isShared(w: WorkerLike): w is SharedWorker {
  return typeof SharedWorker !== "undefined" && w instanceof SharedWorker;
}
