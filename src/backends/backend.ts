import type { ChatCompletionMessageParam, ChatCompletionTokenLogprob, ResponseFormat } from "../openai/chat.js";
import type { LoadProgress, ModelInfo, ModelRecord } from "../openai/models.js";

/**
 * What a backend is asked to generate. Validation, tool prompts, stop sequences, moderation, ids
 * and usage accounting all happen above this line, so every backend behaves the same way.
 */
export interface GenerateRequest {
  model: string;
  /** The conversation, with tool definitions and tool results already rendered into it. */
  messages: ChatCompletionMessageParam[];
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
   * Generates a reply. Aborting `signal` must end the iteration promptly; the host also calls the
   * iterator's `return()` when a stop sequence or the moderation hook ends it early.
   */
  generate(request: GenerateRequest, signal: AbortSignal): AsyncIterable<GenerateEvent>;
}
