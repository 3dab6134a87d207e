import type { ChatCompletionMessageParam, ChatCompletionTokenLogprob, ChatCompletionTool, ResponseFormat } from "../openai/chat.js";
import type { LoadProgress, ModelInfo, ModelRecord } from "../openai/models.js";
import type { StructuralTag } from "../tools/grammar.js";

/**
 * What a backend is asked to generate. Validation, tool prompts, stop sequences, moderation, ids
 * and usage accounting all happen above this line, so every backend behaves the same way.
 */
export interface GenerateRequest {
  model: string;
  /**
   * The conversation as the model gets it: tools and tool traffic rendered in the family's own
   * format, and reduced to what WebLLM accepts (one system message, first; string contents; a
   * user or tool message last).
   */
  messages: ChatCompletionMessageParam[];
  /** The conversation as the app sent it (OpenAI's shape, `role: "tool"` messages and all). */
  conversation: ChatCompletionMessageParam[];
  /**
   * The tool calls the output must make, when `tool_choice` is `"required"` or names a function:
   * a backend with the `grammar` capability enforces `grammar` (EBNF), and every call it writes
   * is a well-formed call in the family's `format` to one of `names`, with arguments that match
   * that tool's parameters. Null when the output is free.
   */
  tool_constraint: ToolConstraint | null;
  /**
   * With `tool_choice: "auto"`: xgrammar's structural tag that holds a call, once begun, to a
   * well-formed call matching its function's schema, while other text stays free. A backend with
   * the `grammar` capability enforces it; null when there is none.
   */
  tool_tag: StructuralTag | null;
  temperature: number;
  top_p: number;
  /** The most tokens to generate; `null` means until the context is full. */
  max_tokens: number | null;
  seed: number | null;
  presence_penalty: number;
  frequency_penalty: number;
  logit_bias: Record<string, number> | null;
  logprobs: boolean;
  top_logprobs: number | null;
  response_format: ResponseFormat | null;
}

/** See `GenerateRequest.tool_constraint`. */
export interface ToolConstraint {
  /** The family's format, by `ToolFormat.name`. */
  format: string;
  /** The functions the output may call. */
  tools: ChatCompletionTool[];
  /** The names among `tools` that may be called (one, for a named `tool_choice`). */
  names: string[];
  /** Whether several calls may follow each other. */
  parallel: boolean;
  /** The grammar, in xgrammar's EBNF, that forces such calls; null where none could be built. */
  grammar: string | null;
}

/** A piece of generated text. `tokens` is how many tokens it took, for usage accounting. */
export interface GenerateDelta {
  type: "delta";
  text: string;
  tokens: number;
  logprobs?: ChatCompletionTokenLogprob[];
}

/** The end of generation, with the backend's own token counts. */
export interface GenerateEnd {
  type: "end";
  /** `stop` for a natural end (an end-of-sequence token), `length` when `max_tokens` or the context ran out. */
  finish_reason: "stop" | "length";
  /** The whole prompt, as OpenAI counts it. */
  prompt_tokens: number;
  completion_tokens: number;
  /** Prompt tokens reused from the KV cache. */
  cached_tokens: number;
}

/** What `Backend.generate` yields. */
export type GenerateEvent = GenerateDelta | GenerateEnd;

/** What `Backend.load` is given. */
export interface LoadContext {
  onProgress(progress: LoadProgress): void;
  signal: AbortSignal;
}

/**
 * What a backend can honour beyond plain text generation. The host refuses with a 400 naming the
 * field any request that needs a capability the serving backend does not declare, so a field is
 * never silently ignored.
 */
export interface BackendCapabilities {
  /** `response_format: { type: "json_object" }`: output constrained to a JSON object. */
  jsonObject: boolean;
  /** `response_format: { type: "json_schema" }`: output constrained to the schema. */
  jsonSchema: boolean;
  /** `logprobs` and `top_logprobs`. */
  logprobs: boolean;
  /** Grammar-constrained output (EBNF), which `tool_choice: "required"` and named functions need. */
  grammar: boolean;
  /** Image content parts. */
  vision: boolean;
  /** The embeddings endpoint. */
  embeddings: boolean;
}

/**
 * The narrow interface a model runtime implements. pagellm ships two: WebLLM (the default) and
 * `fakeBackend` from `pagellm/testing`. The host calls one method at a time: it never overlaps a
 * `load` with a `generate`.
 */
export interface Backend {
  /** What this backend can honour; see `BackendCapabilities`. */
  readonly capabilities: BackendCapabilities;
  /** The catalog, including records added through `addModels`. `cached` should be current. */
  listModels(): Promise<ModelInfo[]>;
  /** Adds self-hosted models in WebLLM's `ModelRecord` shape. A backend that cannot use them throws. */
  addModels?(records: ModelRecord[]): void;
  /**
   * Optional cheap checks of a request before it is queued, before its model is loaded and
   * before any GPU work: a backend that can count the prompt's tokens without the model throws
   * `ContextLengthExceededError` here, so an oversized prompt fails at once with a 400.
   */
  preflight?(request: GenerateRequest): void | Promise<void>;
  /** Makes `model` the loaded model, unloading any other. Resolves when it can generate. */
  load(model: string, ctx: LoadContext): Promise<void>;
  unload(): Promise<void>;
  /**
   * Removes every stored file of `model` (config, library, tokenizer, weights), so that its next
   * load downloads again; `NotFoundError` for an unknown id. The host unloads the model first
   * when it is loaded. A backend without it answers `models.delete` with a 400.
   */
  deleteModel?(model: string): Promise<void>;
  /**
   * Registers `listener` for a loss of the GPU device under the loaded model that happens
   * outside any call (between requests): the backend has unloaded by itself, and the host must
   * load again on the next request. `message` says what happened and what to do. A loss during
   * `load` or `generate` rejects that call with `EngineUnavailableError` (code `device_lost`)
   * instead. Answers a function that unregisters the listener.
   */
  onDeviceLost?(listener: (message: string) => void): () => void;
  /**
   * Called when a call has not ended long after its caller aborted it (`serve`'s
   * `abortTimeoutMs`): the backend is stuck in it, and must drop whatever that call holds (its
   * engine, the model's lock) so that the next `load` starts clean. The host forgets the model
   * and ignores anything the stuck call does later.
   */
  abandon?(): void;
  /**
   * Generates a reply. Aborting `signal` must end the iteration promptly; the host also calls the
   * iterator's `return()` when a stop sequence or the moderation hook ends it early.
   */
  generate(request: GenerateRequest, signal: AbortSignal): AsyncIterable<GenerateEvent>;
}
