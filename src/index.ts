/**
 * pagellm for the page: OpenAI's `chat.completions` on the user's own GPU. This entry never
 * imports WebLLM; the worker (`pagellm/worker`) does.
 */
export { createEngine, Engine } from "./page/engine.js";
export { Completions } from "./page/completions.js";
export { Models } from "./page/models.js";
export type { EngineOptions, LoadOptions } from "./page/engine.js";
export type { RequestOptions } from "./page/completions.js";
export type { WorkerLike } from "./page/connection.js";
export type { HeartbeatOptions } from "./page/heartbeat.js";
export { Stream } from "./page/stream.js";
export { serveOverServiceWorker } from "./page/rest/service-worker.js";
export type { ServeOverServiceWorkerOptions } from "./page/rest/service-worker.js";
export {
  APIError,
  APIUserAbortError,
  BadRequestError,
  ContextLengthExceededError,
  EngineUnavailableError,
  InternalServerError,
  ModelLoadError,
  NotFoundError,
} from "./errors.js";
export type {
  ChatCompletion,
  ChatCompletionAssistantMessageParam,
  ChatCompletionChunk,
  ChatCompletionChunkToolCall,
  ChatCompletionContentPartText,
  ChatCompletionCreateParams,
  ChatCompletionCreateParamsBase,
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionCreateParamsStreaming,
  ChatCompletionDeveloperMessageParam,
  ChatCompletionLogprobs,
  ChatCompletionMessage,
  ChatCompletionMessageParam,
  ChatCompletionMessageToolCall,
  ChatCompletionNamedToolChoice,
  ChatCompletionStreamOptions,
  ChatCompletionSystemMessageParam,
  ChatCompletionTokenLogprob,
  ChatCompletionTool,
  ChatCompletionToolChoiceOption,
  ChatCompletionToolMessageParam,
  ChatCompletionUserMessageParam,
  CompletionUsage,
  FinishReason,
  FunctionDefinition,
  HostStats,
  LoadProgress,
  ModelInfo,
  ModelList,
  ModelRecord,
  ResponseFormat,
} from "./protocol.js";
