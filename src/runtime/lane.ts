import { APIError, APIUserAbortError, BadRequestError } from "../errors/classes.js";
import { modelNotFound } from "../errors/not-found.js";
import type { LoadProgress, ModelInfo } from "../openai/models.js";
import type { Backend, GenerateEvent, GenerateRequest } from "../backends/backend.js";
import { Beacon } from "../rpc/beacon.js";
import { Queue } from "./queue.js";

/**
 * What every connection to one worker shares: the backend, its single FIFO lane, and the one
 * record of which model is loaded. A SharedWorker serves many pages from one `Lane`. Backends
 * keep no record of their own: the lane calls `load` only when its record says the model is not
 * loaded, and forgets the model when the backend reports the GPU device lost.
 */
export class Lane {
  readonly queue = new Queue();
  /**
   * When a request may switch models: `"wait"` (the default) queues it like any other, and the
   * switch happens between requests; `"when-idle"` refuses it with a 409 while other
   * connections have work running or queued, so one tab cannot make the others reload.
   */
  switchModels: "wait" | "when-idle" = "wait";
  private current: string | null = null;
  /** Counts abandoned requests: a request's late failure after it was abandoned must not touch the state. */
  private epoch = 0;
  private catalog: Promise<ModelInfo[]> | null = null;
  private known: Map<string, ModelInfo> | null = null;

  constructor(
    readonly backend: Backend,
    readonly beacon: Beacon = new Beacon(),
  ) {
    // A loss between requests: the backend has unloaded by itself, so the next request loads again.
    backend.onDeviceLost?.((message) => this.deviceLost(message));
    this.queue.onAbandon = () => this.abandon();
  }

  /**
   * The backend did not end a request in time after its abort, so it is stuck in it: it drops
   * the model (`Backend.abandon`), the next request loads again, and nothing the stuck request
   * does later counts (see `epoch`).
   */
  private abandon(): void {
    this.epoch++;
    this.current = null;
    this.beacon.closeAll();
    try {
      this.backend.abandon?.();
    } finally {
      this.beacon.setStatus({ state: "idle" });
    }
  }

  /** Forgets the model after its GPU device was lost, and tells every page. */
  private deviceLost(message: string): void {
    this.current = null;
    this.beacon.setStatus({ state: "lost", code: "device_lost", message });
  }

  /** Refuses a switch away from the loaded model while others use it, if `switchModels` says so. */
  checkSwitch(model: string, owner: object): void {
    if (this.switchModels !== "when-idle" || this.current === null || this.current === model || !this.queue.othersBusy(owner)) return;
    throw new APIError(
      409,
      `'${model}' would replace '${this.current}', which other tabs are using now. Try again when they are done, or use '${this.current}'.`,
      { type: "invalid_request_error", code: "model_switch_refused", param: "model" },
    );
  }

  /** The loaded model, if any. */
  get loaded(): string | null {
    return this.current;
  }

  models(): Promise<ModelInfo[]> {
    this.catalog ??= this.backend.listModels().finally(() => (this.catalog = null));
    return this.catalog;
  }

  /**
   * A model of the catalog, by id. The ids and their static facts are remembered: listing the
   * catalog asks the browser's cache about every model (about 140 lookups with WebLLM), which
   * every request would otherwise pay before its first token. An unknown id looks again.
   */
  async find(id: string): Promise<ModelInfo> {
    let model = this.known?.get(id);
    if (!model) {
      this.known = new Map((await this.models()).map((m) => [m.id, m]));
      model = this.known.get(id);
    }
    if (!model) throw modelNotFound(id);
    return model;
  }

  /** Drops the remembered ids, after the catalog changed. */
  forget(): void {
    this.known = null;
  }

  /**
   * Loads `id` unless it is loaded already. Call only from inside a queued job. Every connected
   * page sees the load's progress in the engine's status, whichever page started it.
   */
  async ensureLoaded(id: string, signal: AbortSignal, onProgress: (p: LoadProgress) => void): Promise<void> {
    if (this.current === id) return;
    this.current = null;
    const epoch = this.epoch;
    const report = (progress: LoadProgress): void => {
      if (epoch !== this.epoch) return;
      this.beacon.setStatus({ state: "loading", model: id, progress });
      onProgress(progress);
    };
    try {
      // Pages learn at once that a load began, before the backend's first report.
      this.beacon.setStatus({ state: "loading", model: id, progress: { model: id, phase: "start", progress: 0, text: `Loading ${id}`, elapsed_ms: 0 } });
      await this.beacon.blocking(() => this.backend.load(id, { signal, onProgress: report }));
      if (signal.aborted) throw new APIUserAbortError();
    } catch (err) {
      if (epoch !== this.epoch) throw err;
      if ((err as { code?: unknown })?.code === "device_lost") this.deviceLost(err instanceof Error ? err.message : "The GPU device was lost.");
      else this.beacon.setStatus({ state: "idle" });
      throw err;
    }
    this.current = id;
    this.beacon.setStatus({ state: "ready", model: id });
  }

  /**
   * Removes a model's stored files, unloading it first when it is the loaded one. Call only from
   * inside a queued job. The catalog is read again next time, so `cached` is current.
   */
  async deleteModel(id: string): Promise<void> {
    const remove = this.backend.deleteModel;
    if (!remove) throw new BadRequestError("This backend keeps no model files to delete.", "model");
    if (this.current === id) await this.unload();
    await this.beacon.blocking(() => remove.call(this.backend, id));
  }

  /** Unloads the model. Call only from inside a queued job. */
  async unload(): Promise<void> {
    this.current = null;
    await this.beacon.blocking(() => this.backend.unload());
    this.beacon.setStatus({ state: "idle" });
  }

  /**
   * The backend's `generate`, inside a busy window until its first event (the prefill). A lost
   * GPU device unloads every model, so the next request must load again.
   */
  async *generate(request: GenerateRequest, signal: AbortSignal): AsyncGenerator<GenerateEvent> {
    const epoch = this.epoch;
    const events = this.backend.generate(request, signal)[Symbol.asyncIterator]();
    try {
      let next = await this.beacon.blocking(() => events.next());
      while (!next.done) {
        yield next.value;
        next = await events.next();
      }
    } catch (err) {
      // An abandoned request's engine is gone: its late error says nothing about the model loaded since.
      if (epoch !== this.epoch) throw err;
      if ((err as { code?: unknown })?.code === "device_lost") this.deviceLost(err instanceof Error ? err.message : "The GPU device was lost.");
      throw err;
    } finally {
      await events.return?.();
    }
  }
}
