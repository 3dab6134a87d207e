import { deleteModelWasmInCache, MLCEngine } from "@mlc-ai/web-llm";
import type { InitProgressReport, LogLevel } from "@mlc-ai/web-llm";
import { APIUserAbortError, InternalServerError, type APIError } from "../../errors/classes.js";
import { modelNotFound } from "../../errors/not-found.js";
import { raceAbort } from "../../util/abort.js";
import type { ModelInfo, ModelRecord } from "../../openai/models.js";
import type { Backend, GenerateEvent, GenerateRequest, LoadContext } from "../backend.js";
import { beforeReload } from "./before-reload.js";
import { Catalog, type CacheBackend } from "./catalog.js";
import { deleteStoredModel } from "./delete.js";
import { describeLoss, deviceOf, DeviceWatch, guardDeviceLoss, holdsPipeline, type DeviceLoss } from "./device-loss.js";
import { deviceLost, fromWebLLMError, isCspBlock, isFetchFailure } from "./errors.js";
import { generate } from "./generate.js";
import { MODEL_TYPE_EMBEDDING } from "./internals.js";
import { checkGpu, diagnoseDownload, type ChatConfigFile } from "./preflight.js";
import { ProgressReporter } from "./progress.js";
import type { StorageEstimator } from "./storage/quota.js";
import { repairShards } from "./storage/repair.js";
import { modelLibUrl } from "./urls.js";

/** Options of {@link webllmBackend}. */
export interface WebLLMBackendOptions {
  /** Self-hosted models in WebLLM's `ModelRecord` shape; the same as calling `addModels`. */
  models?: ModelRecord[];
  /** Where WebLLM stores downloads: `"cache"` (Cache Storage, the default), `"indexeddb"`, `"opfs"`… */
  cacheBackend?: CacheBackend;
  /** Include WebLLM's prebuilt models in the catalog (default `true`). */
  prebuilt?: boolean;
  /** WebLLM's console log level (default: WebLLM's own, `"WARN"`). */
  logLevel?: LogLevel;
  /**
   * Where the quota check before a download reads the storage estimate; by default
   * `navigator.storage.estimate()`. A seam: tests give a small quota here (a real one is far
   * too large to fill), and an app can keep room for its own data by answering less.
   */
  storageEstimate?: StorageEstimator;
}

const isAbort = (err: unknown): boolean => (err as { name?: unknown })?.name === "AbortError" || err instanceof APIUserAbortError;

const loadAborted = (): APIUserAbortError => new APIUserAbortError("Model load was aborted.");

/**
 * The WebLLM backend: one `MLCEngine`, used directly inside pagellm's worker (WebLLM's own
 * `WebWorkerMLCEngineHandler` builds an engine we could not reach, sends errors as strings, and
 * makes one round trip per chunk).
 *
 * Which model is loaded is recorded once, by the host (`Lane.loaded`): it calls `load` only for
 * a model it does not hold, `generate` only for the model it holds, and forgets the model when
 * `generate` fails with `device_lost` or `onDeviceLost` fires. So this class keeps no record of
 * its own; `generate` runs `request.model`, and the engine itself refuses a model it does not
 * hold. What it does keep is a watch on the loaded model's GPU device, to report a loss that
 * happens between requests, when no call of ours is there to see it.
 */
class WebLLMBackend implements Backend {
  /** What WebLLM 0.2.86 honours: JSON mode with or without a schema, logprobs, EBNF grammars (xgrammar). */
  readonly capabilities = { jsonObject: true, jsonSchema: true, logprobs: true, grammar: true, vision: false, embeddings: false };
  private readonly catalog: Catalog;
  private engine: MLCEngine | null = null;
  /** Work left running by an aborted load or an abandoned stream; the next call waits for it. */
  private idle: Promise<void> = Promise.resolve();
  /** Where WebLLM's progress reports go during a load. */
  private onReport: ((r: InitProgressReport) => void) | null = null;
  /** The loaded model's GPU device. */
  private watch: DeviceWatch | null = null;
  private readonly lostListeners = new Set<(message: string) => void>();

  constructor(private readonly options: WebLLMBackendOptions = {}) {
    this.catalog = new Catalog(options.cacheBackend ?? "cache", options.prebuilt ?? true);
    if (options.models) this.catalog.add(options.models);
  }

  listModels(): Promise<ModelInfo[]> {
    return this.catalog.list();
  }

  addModels(records: ModelRecord[]): void {
    this.catalog.add(records);
    this.engine?.setAppConfig(this.catalog.appConfig());
  }

  private getEngine(): MLCEngine {
    // One stable callback: WebLLM hands it to the model library's runtime during `reload`, so it
    // cannot be swapped per load; it forwards to the current load's reporter instead.
    this.engine ??= new MLCEngine({
      appConfig: this.catalog.appConfig(),
      initProgressCallback: (r) => this.onReport?.(r),
      ...(this.options.logLevel ? { logLevel: this.options.logLevel } : {}),
    });
    this.engine.setAppConfig(this.catalog.appConfig());
    return this.engine;
  }

  async load(model: string, ctx: LoadContext): Promise<void> {
    await this.idle;
    const record = this.catalog.get(model);
    if (!record || record.model_type === MODEL_TYPE_EMBEDDING) throw modelNotFound(model);
    const { signal } = ctx;
    const progress = new ProgressReporter(model, ctx.onProgress);
    const stopIfAborted = (): void => {
      if (signal.aborted) throw new APIUserAbortError("Model load was aborted.");
    };
    stopIfAborted();

    let config: ChatConfigFile | null = null;
    try {
      progress.report("check-gpu", "Checking WebGPU support");
      await checkGpu(record, this.catalog);
      stopIfAborted();
      config = await beforeReload(record, this.catalog, progress, signal, this.options.storageEstimate);
      stopIfAborted();
    } catch (err) {
      throw isAbort(err) || signal.aborted ? new APIUserAbortError("Model load was aborted.") : fromWebLLMError(err, { model });
    }

    const engine = this.getEngine();
    // `reload` unloads the previous model first: its device's end is no loss.
    this.release();
    if (progress.webllmDownloads) progress.report("fetch-library", `Loading the model library ${modelLibUrl(record.model_lib).url}`, 0.5);
    else progress.report("upload", "Starting the model library, then copying the weights to the GPU");
    this.onReport = (r) => progress.webllm(r);
    const reload = engine.reload(model);
    try {
      await raceAbort(reload, signal, loadAborted);
      // WebLLM's `reload` resolves quietly when `unload()` aborted it.
      stopIfAborted();
    } catch (err) {
      this.onReport = null;
      if (isAbort(err) || signal.aborted) {
        // WebLLM cannot stop a wasm compile or a shader build, only its downloads: abort those
        // now, and unload again once `reload` settles, in case it got past them.
        void engine.unload().catch(() => undefined);
        this.idle = reload.catch(() => undefined).then(() => engine.unload()).catch(() => undefined);
        throw new APIUserAbortError("Model load was aborted.");
      }
      await engine.unload().catch(() => undefined);
      throw await this.explain(err, record, config, signal);
    }
    this.onReport = null;
    // WebLLM's own handler of a lost device unloads in the middle of `reload`, which then
    // resolves quietly with nothing loaded.
    if (holdsPipeline(engine, model) === false) throw deviceLost("during the load");
    const device = deviceOf(engine, model);
    if (device) this.watch = new DeviceWatch(device, (loss) => this.lost(loss));
    if (progress.current !== "ready") progress.report("ready", `Loaded ${model}`, 1);
  }

  /** Tells the host that the loaded model's device is gone: WebLLM has unloaded it by itself. */
  private lost(loss: DeviceLoss): void {
    const message = deviceLost(describeLoss(loss)).message;
    for (const listener of this.lostListeners) {
      try {
        listener(message);
      } catch {
        // A listener's failure must not keep the others from hearing.
      }
    }
  }

  onDeviceLost(listener: (message: string) => void): () => void {
    this.lostListeners.add(listener);
    return () => void this.lostListeners.delete(listener);
  }

  /** Stops watching the current device, before we end it ourselves. */
  private release(): void {
    this.watch?.release();
    this.watch = null;
  }

  /** Turns a failed `reload` into our error, finding the missing file behind a bare fetch error. */
  private async explain(err: unknown, record: ModelRecord, config: ChatConfigFile | null, signal: AbortSignal): Promise<APIError> {
    const model = record.model_id;
    const lib = modelLibUrl(record.model_lib);
    if (isFetchFailure(err)) {
      const found = await diagnoseDownload(record, config, signal).catch(() => null);
      if (found) return found;
    }
    const name = (err as { name?: unknown })?.name;
    if ((name === "CompileError" || name === "LinkError") && lib.cached && !isCspBlock(err)) {
      // A broken library would stay in Cache Storage and fail every later load.
      await deleteModelWasmInCache(model, this.catalog.appConfig()).catch(() => undefined);
    }
    const repaired = await repairShards(err, record, this.catalog.storeFor(record));
    if (repaired) return repaired;
    return fromWebLLMError(err, { model, f32Alternative: this.catalog.f32Alternative(model), modelLib: lib.url });
  }

  /**
   * Drops the engine of a request that never ended: WebLLM keeps that request's hold on the
   * model's lock for good (0.2.79 awaits a promise that never settles when its grammar set-up
   * throws), so every later call on the same engine would wait behind it. The next `load`
   * builds a fresh engine and loads from the browser's cache; the old one is unloaded in the
   * background, to free its GPU memory.
   */
  abandon(): void {
    const engine = this.engine;
    this.engine = null;
    this.onReport = null;
    this.release();
    this.idle = Promise.resolve();
    void engine?.unload().catch(() => undefined);
  }

  async unload(): Promise<void> {
    await this.idle;
    this.release();
    await this.engine?.unload();
  }

  async deleteModel(id: string): Promise<void> {
    await this.idle;
    const record = this.catalog.get(id);
    if (!record || record.model_type === MODEL_TYPE_EMBEDDING) throw modelNotFound(id);
    await deleteStoredModel(record, this.catalog);
  }

  async *generate(request: GenerateRequest, signal: AbortSignal): AsyncGenerator<GenerateEvent> {
    await this.idle;
    const engine = this.engine;
    if (!engine) throw new InternalServerError("No model is loaded: call load() before generate().");
    const events = generate(engine, request.model, request, {
      signal,
      leftRunning: (drain) => {
        // A dropped engine's leftovers are nobody's business (see `abandon`).
        if (this.engine === engine) this.idle = this.idle.then(() => drain);
      },
    });
    yield* guardDeviceLoss(this.watch, events, signal);
  }
}

/**
 * The default backend of `serve()`: WebLLM's `MLCEngine`, running in this worker. The catalog is
 * WebLLM's prebuilt model list plus `options.models` and anything added with `addModels`.
 */
export function webllmBackend(options?: WebLLMBackendOptions): Backend {
  return new WebLLMBackend(options);
}
