// Scenario "raw": a bare MLCEngine in a module Worker, with the thinnest protocol there is: one
// postMessage per content delta. It is the floor both other scenarios are measured against.
import { MLCEngine, type AppConfig } from "@mlc-ai/web-llm";
import { installImportStubs } from "../../../test/webllm/fixtures/import-stubs.js";
import { REAL_MODEL_ID, realRecord, realRequest, type RealOptions } from "../api.js";

/** What the page sends: load the model, or run the timed request. */
export type RawCommand = { type: "load"; options: RealOptions } | { type: "chat"; maxTokens: number };
/** What this worker answers: `ready` after a load, a `delta` per content delta, `done` at the end, or `error`. */
export type RawEvent = { type: "ready" } | { type: "delta"; content: string } | { type: "done" } | { type: "error"; message: string };

installImportStubs();
let engine: MLCEngine | null = null;
const post = (e: RawEvent): void => postMessage(e);

self.onmessage = async ({ data }: MessageEvent<RawCommand>) => {
  try {
    if (data.type === "load") {
      const appConfig: AppConfig = { model_list: [realRecord(data.options)] };
      engine = new MLCEngine({ appConfig });
      await engine.reload(REAL_MODEL_ID);
      post({ type: "ready" });
    } else {
      if (!engine) throw new Error("not loaded");
      const stream = await engine.chat.completions.create(realRequest(data.maxTokens));
      for await (const chunk of stream) {
        const content = chunk.choices[0]?.delta.content;
        if (content) post({ type: "delta", content });
      }
      post({ type: "done" });
    }
  } catch (err) {
    post({ type: "error", message: err instanceof Error ? err.message : String(err) });
  }
};
