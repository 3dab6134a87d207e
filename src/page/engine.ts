import { proxy, transfer } from "comlink";
import { APIUserAbortError, BadRequestError, InternalServerError, NotFoundError } from "../errors.js";
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionCreateParams,
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionCreateParamsStreaming,
  HostStats,
  LoadProgress,
  ModelInfo,
  ModelList,
  ModelRecord,
} from "../protocol.js";
import { Call } from "./call.js";
import { Connection, type WorkerLike } from "./connection.js";
import { restFetch } from "./rest/router.js";
import { Stream } from "./stream.js";

/** Per-call options, as in the `openai` package. */
export interface RequestOptions {
  /** Aborting it cancels the request; the call rejects (or the stream throws) `APIUserAbortError`. */
  signal?: AbortSignal | undefined;
}

/** Options of `engine.load`. */
export interface LoadOptions extends RequestOptions {
  onProgress?: ((progress: LoadProgress) => void) | undefined;
}

/** Options of `createEngine`. */
export interface EngineOptions {
  /**
   * The worker that runs `serve()`: a module `Worker`, a `SharedWorker`, or any MessagePort-like
   * endpoint. Create it next to your code so your bundler sees it:
   * `new Worker(new URL("./worker.ts", import.meta.url), { type: "module" })`.
   */
  worker: WorkerLike;
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
  constructor(readonly connection: Connection) {
    this.chat = { completions: new Completions(connection) };
    this.models = new Models(connection);
    this.fetch = restFetch(this);
  }

  /** Loads a model (from the browser's cache when it is there) and makes it the active one. */
  async load(model: string, options: LoadOptions = {}): Promise<void> {
    const call = new Call(this.connection.calls, options.signal);
    const port = call.handOff(false);
    await this.connection.rpc((host) => host.load(model, transfer(port, [port])));
    for (;;) {
      const msg = await call.next();
      if (!msg || msg.t === "loaded") return;
      if (msg.t === "progress") options.onProgress?.(msg.progress);
    }
  }

  /**
   * The worker's counters: open call ports, abort listeners, queued and running requests, and
   * the loaded model. They return to zero when every call has settled, which makes leaks visible.
   */
  stats(): Promise<HostStats> {
    return this.connection.rpc((host) => host.stats());
  }

  /** Frees the model's GPU memory. The next request loads it again. */
  async unload(): Promise<void> {
    await this.connection.rpc((host) => host.unload());
  }

  /** Ends the worker (or this page's connection to a SharedWorker). Pending calls reject. */
  close(): void {
    this.connection.close();
  }
}

/** `engine.chat.completions`. */
export class Completions {
  constructor(private readonly connection: Connection) {}

  /**
   * Creates a chat completion, exactly as the `openai` package does: a `ChatCompletion`, or with
   * `stream: true` a `Stream` of `ChatCompletionChunk`s. Invalid requests reject with
   * `BadRequestError` naming the field in `param`; unknown models with `NotFoundError`.
   *
   * @example
   * ```ts
   * const reply = await engine.chat.completions.create({
   *   model: "Qwen2.5-0.5B-Instruct-q4f16_1-MLC",
   *   messages: [{ role: "user", content: "Say hello in French." }],
   *   max_tokens: 20,
   * });
   * console.log(reply.choices[0]?.message.content, reply.usage?.total_tokens);
   * ```
   */
  create(body: ChatCompletionCreateParamsNonStreaming, options?: RequestOptions): Promise<ChatCompletion>;
  create(body: ChatCompletionCreateParamsStreaming, options?: RequestOptions): Promise<Stream<ChatCompletionChunk>>;
  create(body: ChatCompletionCreateParams, options?: RequestOptions): Promise<ChatCompletion | Stream<ChatCompletionChunk>>;
  async create(body: ChatCompletionCreateParams, options: RequestOptions = {}): Promise<ChatCompletion | Stream<ChatCompletionChunk>> {
    const stream = typeof body === "object" && body !== null && body.stream === true;
    if (options.signal?.aborted) throw new APIUserAbortError();
    const controller = new AbortController();
    const signal = options.signal ? AbortSignal.any([options.signal, controller.signal]) : controller.signal;
    const call = new Call(this.connection.calls, signal);
    const port = call.handOff(stream);
    await this.connection.rpc((host) => host.create(body, transfer(port, [port])));
    const first = await call.next();
    if (!stream) {
      if (first?.t !== "result") throw new InternalServerError("The worker ended the call without a result.");
      return first.completion;
    }
    if (first?.t !== "chunk") throw new InternalServerError("The worker ended the stream before it began.");
    return new Stream<ChatCompletionChunk>(async function* () {
      let done = false;
      try {
        yield first.chunk;
        for (;;) {
          const msg = await call.next();
          if (!msg) break;
          if (msg.t === "chunk") yield msg.chunk;
        }
        done = true;
      } finally {
        // Leaving the loop early lands here: tell the worker to stop and free the model.
        if (!done) call.cancel();
      }
    }, controller);
  }
}

/** `engine.models`. */
export class Models {
  constructor(private readonly connection: Connection) {}

  /** Every model this engine can load, in OpenAI's list shape. */
  async list(): Promise<ModelList> {
    return { object: "list", data: await this.connection.rpc((host) => host.listModels()) };
  }

  /** One model; rejects with `NotFoundError` for an unknown id. */
  async retrieve(id: string): Promise<ModelInfo> {
    if (typeof id !== "string" || id === "") throw new BadRequestError("A model id is required.", "model");
    const found = (await this.list()).data.find((m) => m.id === id);
    if (!found) throw new NotFoundError(`The model '${id}' does not exist. Call models.list() for the ids this engine can load.`);
    return found;
  }
}

/**
 * Connects to a worker that runs `serve()` and returns an `Engine`.
 *
 * @example
 * ```ts
 * const engine = await createEngine({
 *   worker: new Worker(new URL("./worker.ts", import.meta.url), { type: "module" }),
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
  const connection = new Connection(options.worker);
  const config = options.models ? { models: options.models } : {};
  const moderate = options.moderate ? proxy(options.moderate) : undefined;
  const onProgress = options.onProgress ? proxy(options.onProgress) : undefined;
  try {
    await connection.rpc((host) => host.configure(config, moderate, onProgress));
    const engine = new Engine(connection);
    if (options.model) await engine.load(options.model, { onProgress: options.onProgress });
    return engine;
  } catch (err) {
    connection.close();
    throw err;
  }
}
