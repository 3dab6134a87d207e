import type { MLCEngine } from "@mlc-ai/web-llm";
import type { ChatCompletionChunk } from "../../src/openai/chat.js";
import { runPipeline, toGenerateRequest } from "../../src/endpoints/chat/pipeline.js";
import { validateRequest } from "../../src/endpoints/chat/validate.js";
import { syntheticBackend } from "../synthetic.js";

/**
 * A stand-in for WebLLM's `MLCEngine`, for scenario (c). `WebWorkerMLCEngineHandler` calls only
 * these methods on the paths the benchmark drives:
 * - `reload(modelId, chatOpts)` for the client's `reload()` (and from `reloadIfUnmatched`);
 * - `chatCompletion(request)` for `chatCompletionStreamInit`: it must resolve to an async
 *   iterator, which the handler stores by stream id and then advances once per
 *   `completionStreamNextChunk` message, answering each with `{ kind: "return", content: chunk }`,
 *   and with `content: undefined` once it is done;
 * - `return()` on that iterator for `completionStreamReturn`.
 *
 * The chunks come from the same `validateRequest` + `runPipeline` + synthetic backend that
 * pagellm's worker runs in (b), so both workers do identical work per chunk and post identical
 * chunk objects; what differs is only how the chunks cross to the page.
 */
export class SyntheticMLCEngine {
  private readonly backend = syntheticBackend();

  async reload(): Promise<void> {}
  async unload(): Promise<void> {}
  interruptGenerate(): void {}
  setInitProgressCallback(): void {}
  setAppConfig(): void {}
  setLogLevel(): void {}

  async chatCompletion(request: unknown): Promise<AsyncGenerator<ChatCompletionChunk>> {
    const req = validateRequest(request);
    return runPipeline(req, toGenerateRequest(req), { backend: this.backend, signal: new AbortController().signal });
  }

  /** The handler's `engine` field is typed as the real class; this is a structural stand-in. */
  asEngine(): MLCEngine {
    return this as unknown as MLCEngine;
  }
}
