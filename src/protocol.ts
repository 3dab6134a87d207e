/**
 * The wire types that the page and the worker share. Types only: nothing in this file exists at
 * run time. Names and shapes copy OpenAI's `openai` package (v6) so that code written against the
 * hosted API type-checks against pagellm unchanged. The wire stays snake_case, as OpenAI's does.
 */

/** A text part of a message's content, in OpenAI's array form. */
export interface ChatCompletionContentPartText {
  type: "text";
  text: string;
}

/** A system message. */
export interface ChatCompletionSystemMessageParam {
  role: "system";
  content: string | ChatCompletionContentPartText[];
  name?: string;
}

/** A developer message; treated like a system message, as OpenAI does for non-reasoning models. */
export interface ChatCompletionDeveloperMessageParam {
  role: "developer";
  content: string | ChatCompletionContentPartText[];
  name?: string;
}

/** A user message. Only text parts can run locally. */
export interface ChatCompletionUserMessageParam {
  role: "user";
  content: string | ChatCompletionContentPartText[];
  name?: string;
}

/** An assistant message from earlier in the conversation. */
export interface ChatCompletionAssistantMessageParam {
  role: "assistant";
  content?: string | ChatCompletionContentPartText[] | null;
  name?: string;
  refusal?: string | null;
  tool_calls?: ChatCompletionMessageToolCall[];
}

/** The result of a tool call, sent back to the model. */
export interface ChatCompletionToolMessageParam {
  role: "tool";
  content: string | ChatCompletionContentPartText[];
  tool_call_id: string;
}

/** Any message of a request. */
export type ChatCompletionMessageParam =
  | ChatCompletionSystemMessageParam
  | ChatCompletionDeveloperMessageParam
  | ChatCompletionUserMessageParam
  | ChatCompletionAssistantMessageParam
  | ChatCompletionToolMessageParam;

/** A function the model may call. */
export interface FunctionDefinition {
  name: string;
  description?: string;
  parameters?: Record<string, unknown>;
  strict?: boolean | null;
}

/** A tool the model may call. Only function tools exist in chat completions. */
export interface ChatCompletionTool {
  type: "function";
  function: FunctionDefinition;
}

/** Forces one named function. */
export interface ChatCompletionNamedToolChoice {
  type: "function";
  function: { name: string };
}

/** How the model may use the tools. */
export type ChatCompletionToolChoiceOption = "none" | "auto" | "required" | ChatCompletionNamedToolChoice;

/** A tool call the model made. */
export interface ChatCompletionMessageToolCall {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
}

/** `response_format`: plain text, any JSON object, or JSON that follows a schema. */
export type ResponseFormat =
  | { type: "text" }
  | { type: "json_object" }
  | {
      type: "json_schema";
      json_schema: { name: string; description?: string; schema?: Record<string, unknown>; strict?: boolean | null };
    };

/** `stream_options`. */
export interface ChatCompletionStreamOptions {
  include_usage?: boolean;
}

/** The fields of a request that streaming and non-streaming calls share. */
export interface ChatCompletionCreateParamsBase {
  model: string;
  messages: ChatCompletionMessageParam[];
  temperature?: number | null;
  top_p?: number | null;
  max_tokens?: number | null;
  max_completion_tokens?: number | null;
  stream?: boolean | null;
  stream_options?: ChatCompletionStreamOptions | null;
  tools?: ChatCompletionTool[];
  tool_choice?: ChatCompletionToolChoiceOption;
  parallel_tool_calls?: boolean;
  response_format?: ResponseFormat;
  seed?: number | null;
  stop?: string | string[] | null;
  presence_penalty?: number | null;
  frequency_penalty?: number | null;
  n?: number | null;
  logprobs?: boolean | null;
  top_logprobs?: number | null;
  logit_bias?: Record<string, number> | null;
  user?: string;
}

/** A request that returns one `ChatCompletion`. */
export interface ChatCompletionCreateParamsNonStreaming extends ChatCompletionCreateParamsBase {
  stream?: false | null;
}

/** A request that returns a `Stream<ChatCompletionChunk>`. */
export interface ChatCompletionCreateParamsStreaming extends ChatCompletionCreateParamsBase {
  stream: true;
}

/** Either kind of request. */
export type ChatCompletionCreateParams = ChatCompletionCreateParamsNonStreaming | ChatCompletionCreateParamsStreaming;

/** Why generation ended. WebLLM's non-standard `abort` never appears here. */
export type FinishReason = "stop" | "length" | "tool_calls" | "content_filter";

/** Token counts of one request, with OpenAI's meaning: `prompt_tokens` is the whole prompt. */
export interface CompletionUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  /** `cached_tokens`: prompt tokens the engine reused from its KV cache instead of recomputing. */
  prompt_tokens_details?: { cached_tokens: number };
}

/** Log probability of one token. */
export interface ChatCompletionTokenLogprob {
  token: string;
  logprob: number;
  bytes: number[] | null;
  top_logprobs: { token: string; logprob: number; bytes: number[] | null }[];
}

/** Log probabilities of a choice. */
export interface ChatCompletionLogprobs {
  content: ChatCompletionTokenLogprob[] | null;
  refusal: ChatCompletionTokenLogprob[] | null;
}

/** The assistant's reply. */
export interface ChatCompletionMessage {
  role: "assistant";
  content: string | null;
  refusal: string | null;
  tool_calls?: ChatCompletionMessageToolCall[];
}

/** A complete, non-streamed response. */
export interface ChatCompletion {
  id: string;
  object: "chat.completion";
  created: number;
  model: string;
  choices: {
    index: number;
    message: ChatCompletionMessage;
    finish_reason: FinishReason;
    logprobs: ChatCompletionLogprobs | null;
  }[];
  usage?: CompletionUsage;
  system_fingerprint?: string;
}

/** A tool call as it arrives in a stream. */
export interface ChatCompletionChunkToolCall {
  index: number;
  id?: string;
  type?: "function";
  function?: { name?: string; arguments?: string };
}

/** One streamed piece of a response. */
export interface ChatCompletionChunk {
  id: string;
  object: "chat.completion.chunk";
  created: number;
  model: string;
  choices: {
    index: number;
    delta: {
      role?: "assistant";
      content?: string | null;
      refusal?: string | null;
      tool_calls?: ChatCompletionChunkToolCall[];
    };
    finish_reason: FinishReason | null;
    logprobs?: ChatCompletionLogprobs | null;
  }[];
  usage?: CompletionUsage | null;
  system_fingerprint?: string;
}

/** A model as `models.list()` reports it: OpenAI's Model plus facts about this device. */
export interface ModelInfo {
  id: string;
  object: "model";
  created: number;
  owned_by: string;
  /** Megabytes of GPU memory the model needs, where known. */
  vram_required_mb: number | null;
  /** The context window in tokens, where known before loading. */
  context_window: number | null;
  /** WebGPU features the model needs, for example `["shader-f16"]`. */
  requires: string[];
  /** Whether pagellm can run tool calls on this model. */
  tools: boolean;
  /** Whether the weights are already in this browser's cache. */
  cached: boolean;
}

/** `models.list()`. */
export interface ModelList {
  object: "list";
  data: ModelInfo[];
}

/** A model in WebLLM's own `ModelRecord` shape, for self-hosted weights. */
export interface ModelRecord {
  /** The URL of the weights (a Hugging Face-style repository URL, or any URL that serves the files). */
  model: string;
  model_id: string;
  /** The URL of the compiled model library (`.wasm`). */
  model_lib: string;
  vram_required_MB?: number;
  low_resource_required?: boolean;
  buffer_size_required_bytes?: number;
  required_features?: string[];
  overrides?: Record<string, unknown>;
  [key: string]: unknown;
}

/** Where a model load stands. */
export interface LoadProgress {
  model: string;
  /** `fetch-config`, `fetch-library`, `fetch-weights`, `cache`, `compile`, `ready`, or a backend's own. */
  phase: string;
  /** 0..1. */
  progress: number;
  loaded_bytes?: number;
  total_bytes?: number;
  text: string;
  elapsed_ms: number;
}

/** An error as it crosses the worker boundary: plain data from which the page rebuilds the class. */
export interface SerializedError {
  name: string;
  message: string;
  status: number | undefined;
  type: string | null;
  code: string | null;
  param: string | null;
  /** Class-specific facts, such as the URL of a failed download. */
  extra?: Record<string, unknown>;
}

/** Page → worker, on a call's own MessagePort. */
export type CallUpMessage =
  | { t: "credit"; n: number }
  | { t: "cancel" };

/** Worker → page, on a call's own MessagePort. */
export type CallDownMessage =
  | { t: "chunk"; chunk: ChatCompletionChunk }
  | { t: "chunks"; chunks: ChatCompletionChunk[] }
  | { t: "result"; completion: ChatCompletion }
  | { t: "progress"; progress: LoadProgress }
  | { t: "loaded" }
  | { t: "end" }
  | { t: "error"; error: SerializedError };

/** Page → worker, on the heartbeat port. */
export type PulseUpMessage = { t: "ping" };

/**
 * Worker → page, on the heartbeat port: the answer to a ping, or a warning. `busy` says the
 * worker's thread is about to do work that may block it (loading a model, compiling, a prefill),
 * so a silence is not yet a death; `ready` says that work is over.
 */
export type PulseDownMessage = { t: "pong" } | { t: "busy" } | { t: "ready" };

/** Counters that prove the worker releases what it opens. */
export interface HostStats {
  /** Call ports still open. */
  openPorts: number;
  /** Abort listeners still registered. */
  listeners: number;
  /** Requests waiting in the queue. */
  queued: number;
  /** Requests generating now (0 or 1). */
  running: number;
  /** The loaded model, if any. */
  loaded: string | null;
}

/**
 * What the page sends when it connects. comlink proxies functions only when they are
 * top-level arguments, so the hooks travel as arguments of their own, not inside this object.
 */
export interface HostConfig {
  models?: ModelRecord[];
}

/** The page's moderation hook: `true` ends the reply with `finish_reason: "content_filter"`. */
export type ModerateHook = (text: string) => boolean | Promise<boolean>;

/** Progress of any load, including one that `create` starts for a model not yet loaded. */
export type ProgressHook = (progress: LoadProgress) => void;

/** The worker's API, as comlink exposes it. Long calls report on their own MessagePort. */
export interface HostApi {
  configure(config: HostConfig, moderate?: ModerateHook, onProgress?: ProgressHook): Promise<void>;
  listModels(): Promise<ModelInfo[]>;
  /** Starts a chat completion; the result, the chunks or the error arrive on `port`. */
  create(params: unknown, port: MessagePort): void;
  /** Loads a model; progress, completion or the error arrive on `port`. */
  load(model: string, port: MessagePort): void;
  unload(): Promise<void>;
  stats(): Promise<HostStats>;
  /** Answers the page's heartbeat on `port` (see `PulseUpMessage`, `PulseDownMessage`). */
  watch(port: MessagePort): void;
}
