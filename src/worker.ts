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
