/**
 * pagellm for the page: OpenAI's `chat.completions` on the user's own GPU. This entry never
 * imports WebLLM; the worker (`pagellm/worker`) does.
 */
export { createEngine, Engine } from "./engine/engine.js";
export { Completions } from "./endpoints/chat/completions.js";
export { Models } from "./endpoints/models/models.js";
export type { EngineOptions, LoadOptions } from "./engine/engine.js";
export type { RequestOptions } from "./endpoints/chat/completions.js";
export type { WorkerLike } from "./rpc/connection.js";
export type { HeartbeatOptions } from "./rpc/heartbeat.js";
export { Stream } from "./engine/stream.js";
export { serveOverServiceWorker } from "./sw/page.js";
export type { ServeOverServiceWorkerOptions } from "./sw/page.js";
export { APIError, APIUserAbortError, BadRequestError, ContextLengthExceededError, EngineUnavailableError, InternalServerError, ModelLoadError, NotFoundError } from "./errors/classes.js";
export type { ChatCompletion, ChatCompletionAssistantMessageParam, ChatCompletionChunk, ChatCompletionChunkToolCall, ChatCompletionContentPartText, ChatCompletionCreateParams, ChatCompletionCreateParamsBase, ChatCompletionCreateParamsNonStreaming, ChatCompletionCreateParamsStreaming, ChatCompletionDeveloperMessageParam, ChatCompletionLogprobs, ChatCompletionMessage, ChatCompletionMessageParam, ChatCompletionMessageToolCall, ChatCompletionNamedToolChoice, ChatCompletionStreamOptions, ChatCompletionSystemMessageParam, ChatCompletionTokenLogprob, ChatCompletionTool, ChatCompletionToolChoiceOption, ChatCompletionToolMessageParam, ChatCompletionUserMessageParam, CompletionUsage, FinishReason, FunctionDefinition, ResponseFormat } from "./openai/chat.js";
export type { HostStats } from "./rpc/wire.js";
export type { LoadProgress, ModelInfo, ModelList, ModelRecord } from "./openai/models.js";
