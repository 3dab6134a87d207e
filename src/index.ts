/**
 * pagellm for the page: OpenAI's `chat.completions` on the user's own GPU. This entry never
 * imports WebLLM; the worker (`pagellm/worker`) does. It only re-exports.
 */
export { createEngine } from "./engine/create.js";
export { Engine, EngineStatusEvent } from "./engine/engine.js";
export type { EngineOptions, EngineStats, LoadOptions } from "./engine/options.js";
export { Completions } from "./endpoints/chat/completions.js";
export type { RequestOptions } from "./endpoints/chat/completions.js";
export { Models } from "./endpoints/models/models.js";
export { Responses } from "./endpoints/responses/responses.js";
export type { InputItems } from "./endpoints/responses/responses.js";
export { Stream } from "./engine/stream.js";
export type { WorkerLike } from "./rpc/connection.js";
export { sharedWorker } from "./tabs/shared-worker.js";
export type { SharedEngineWorker, SharedWorkerOptions } from "./tabs/shared-worker.js";
export type { HeartbeatOptions } from "./rpc/heartbeat.js";
export type { EngineStatus, HostStats } from "./rpc/wire.js";
export { createFetch } from "./http/create-fetch.js";
export type { CreateFetchOptions } from "./http/create-fetch.js";
export { serveOverServiceWorker } from "./sw/page.js";
export type { ServeOverServiceWorkerOptions } from "./sw/page.js";
export {
  APIError,
  APIUserAbortError,
  BadRequestError,
  ContextLengthExceededError,
  EngineUnavailableError,
  InsufficientStorageError,
  InternalServerError,
  ModelLoadError,
  NotFoundError,
} from "./errors/classes.js";
export { UsageError } from "./errors/usage.js";
export {
  isAPIError,
  isAPIUserAbortError,
  isBadRequestError,
  isContextLengthExceededError,
  isEngineUnavailableError,
  isInsufficientStorageError,
  isInternalServerError,
  isModelLoadError,
  isNotFoundError,
  isUsageError,
} from "./errors/guards.js";
export type * from "./openai/chat.js";
export type * from "./openai/responses.js";
export type * from "./openai/responses-input.js";
export type { LoadProgress, ModelDeleted, ModelInfo, ModelList, ModelRecord } from "./openai/models.js";
export { probeDevice } from "./device/probe.js";
export type { DeviceLimits, DeviceProbe, StorageInfo } from "./device/probe.js";
export { recommendModel } from "./device/recommend.js";
export type { Recommendation, RecommendOptions } from "./device/recommend.js";
export { judgeModel } from "./device/fit.js";
export type { ModelFit } from "./device/fit.js";
