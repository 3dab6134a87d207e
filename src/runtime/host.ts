import { APIUserAbortError, BadRequestError, NotFoundError } from "../errors/classes.js";
import type { ChatCompletionChunk } from "../openai/chat.js";
import type { HostApi, HostConfig, HostStats, ModerateHook, ProgressHook } from "../rpc/wire.js";
import type { LoadProgress, ModelInfo } from "../openai/models.js";
import { assemble } from "../endpoints/chat/assemble.js";
import type { Backend, GenerateEvent, GenerateRequest } from "../backends/backend.js";
import { Beacon } from "../rpc/beacon.js";
import { CallPort, openCallPorts } from "../rpc/call-port.js";
import { runPipeline, toGenerateRequest } from "../endpoints/chat/pipeline.js";
import { Queue } from "./queue.js";
import { validateRequest } from "../endpoints/chat/validate.js";

/**
 * What every connection to one worker shares: the backend, its single FIFO lane, and which
 * model is loaded. A SharedWorker serves many pages from one `Lane`.
 */
export class Lane {
  readonly queue = new Queue();
  loaded: string | null = null;
  private catalog: Promise<ModelInfo[]> | null = null;
  private known: Map<string, ModelInfo> | null = null;

  constructor(
    readonly backend: Backend,
    readonly beacon: Beacon = new Beacon(),
  ) {}

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
    if (!model) {
      throw new NotFoundError(`The model '${id}' does not exist. Call models.list() for the ids this engine can load.`);
    }
    return model;
  }

  /** Drops the remembered ids, after the catalog changed. */
  forget(): void {
    this.known = null;
  }

  /** Loads `id` unless it is loaded already. Call only from inside a queued job. */
  async ensureLoaded(id: string, signal: AbortSignal, onProgress: (p: LoadProgress) => void): Promise<void> {
    if (this.loaded === id) return;
    this.loaded = null;
    await this.beacon.blocking(() => this.backend.load(id, { signal, onProgress }));
    if (signal.aborted) throw new APIUserAbortError();
    this.loaded = id;
  }

  /** The backend's `generate`, inside a busy window until its first event (the prefill). */
  async *generate(request: GenerateRequest, signal: AbortSignal): AsyncGenerator<GenerateEvent> {
    const events = this.backend.generate(request, signal)[Symbol.asyncIterator]();
    try {
      let next = await this.beacon.blocking(() => events.next());
      while (!next.done) {
        yield next.value;
        next = await events.next();
      }
    } finally {
      await events.return?.();
    }
  }
}

/**
 * One connection's API, exposed to its page with comlink. It is exposed at once, before the
 * backend is ready, because a dedicated worker drops messages that arrive while no listener is
 * attached; every method waits for the lane instead.
 */
export class Host implements HostApi {
  private moderate: ModerateHook | undefined;
  private onProgress: ProgressHook | undefined;

  constructor(
    private readonly lane: () => Promise<Lane>,
    private readonly beacon: Beacon = new Beacon(),
  ) {}

  watch(port: MessagePort): void {
    this.beacon.watch(port);
  }

  async configure(config: HostConfig, moderate?: ModerateHook, onProgress?: ProgressHook): Promise<void> {
    this.moderate = moderate;
    this.onProgress = onProgress;
    const lane = await this.lane();
    if (config.models?.length) {
      if (!lane.backend.addModels) throw new BadRequestError("This backend does not take extra model records.", "models");
      lane.backend.addModels(config.models);
      lane.forget();
    }
  }

  async listModels(): Promise<ModelInfo[]> {
    return (await this.lane()).models();
  }

  create(params: unknown, port: MessagePort): void {
    const call = new CallPort(port);
    void this.runCreate(params, call).catch((err: unknown) => call.fail(err));
  }

  load(model: string, port: MessagePort): void {
    const call = new CallPort(port);
    const progress = (p: LoadProgress): void => call.post({ t: "progress", progress: p });
    void this.lane()
      .then(async (lane) => {
        await lane.find(model);
        await lane.queue.push(() => lane.ensureLoaded(model, call.signal, progress), call.signal);
        call.post({ t: "loaded" });
        call.close();
      })
      .catch((err: unknown) => call.fail(err));
  }

  async unload(): Promise<void> {
    const lane = await this.lane();
    await lane.queue.push(async () => {
      lane.loaded = null;
      await lane.beacon.blocking(() => lane.backend.unload());
    }, new AbortController().signal);
  }

  async stats(): Promise<HostStats> {
    const lane = await this.lane();
    return {
      openPorts: openCallPorts(),
      listeners: lane.queue.listeners,
      queued: lane.queue.queued,
      running: lane.queue.running,
      loaded: lane.loaded,
    };
  }

  private async runCreate(params: unknown, call: CallPort): Promise<void> {
    const req = validateRequest(params);
    const lane = await this.lane();
    const model = await lane.find(req.model);
    if (req.tools.length > 0 && req.tool_choice !== "none" && !model.tools) {
      throw new BadRequestError(`The model '${req.model}' does not support tool calling. Pick a model whose models.list() entry has tools: true.`, "tools");
    }
    // Before the queue and before any load: an oversized prompt fails at once.
    await lane.backend.preflight?.(toGenerateRequest(req));
    await lane.queue.push(async () => {
      const onProgress = (p: LoadProgress): void => void this.onProgress?.(p);
      await lane.ensureLoaded(req.model, call.signal, onProgress);
      // A non-streamed reply always counts usage; a stream only when asked, as OpenAI does.
      const run = runPipeline(
        { ...req, include_usage: req.stream ? req.include_usage : true },
        { backend: lane, signal: call.signal, moderate: this.moderate },
      );
      try {
        await this.deliver(run, req.stream, call);
      } catch (err) {
        // A lost GPU device unloads every model; the next request must load again.
        if ((err as { code?: unknown })?.code === "device_lost") lane.loaded = null;
        throw err;
      }
    }, call.signal);
    call.close();
  }

  /** Sends a run to the page: chunk by chunk under flow control, or as one assembled completion. */
  private async deliver(run: AsyncGenerator<ChatCompletionChunk>, stream: boolean, call: CallPort): Promise<void> {
    if (stream) {
      for await (const chunk of run) await call.send({ t: "chunk", chunk });
      call.post({ t: "end" });
    } else {
      const chunks: ChatCompletionChunk[] = [];
      for await (const chunk of run) chunks.push(chunk);
      if (call.signal.aborted) throw new APIUserAbortError();
      call.post({ t: "result", completion: assemble(chunks) });
    }
  }
}
