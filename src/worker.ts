/**
 * The worker entry point: `serve()` answers the page's engine. The page never imports this
 * module, so WebLLM stays out of the page's bundle. `serve()` imports WebLLM lazily, so a worker
 * that serves another backend never loads it; `serve({ webllm: { cacheBackend: "indexeddb" } })`
 * configures it.
 */
export { serve } from "./runtime/serve.js";
export type { ServeOptions } from "./runtime/serve.js";
export type { WebLLMBackendOptions } from "./backends/webllm/backend.js";
export type { Backend, GenerateRequest, GenerateEvent, GenerateDelta, GenerateEnd, LoadContext } from "./backends/backend.js";
export type { StorageEstimateLike, StorageEstimator } from "./backends/webllm/storage/quota.js";
export { probeDevice } from "./device/probe.js";
export type { DeviceLimits, DeviceProbe, StorageInfo } from "./device/probe.js";
export { recommendModel } from "./device/recommend.js";
export type { Recommendation, RecommendOptions } from "./device/recommend.js";
export { judgeModel } from "./device/fit.js";
export type { ModelFit } from "./device/fit.js";
export { indexedDbStore } from "./endpoints/responses/idb-store.js";
export type { IndexedDbStoreOptions } from "./endpoints/responses/idb-store.js";
export { memoryStore } from "./endpoints/responses/memory-store.js";
export type { ResponsesOptions } from "./endpoints/responses/options.js";
export type { ResponseStore, StoredResponse, StoreLimits } from "./endpoints/responses/store.js";
