import type { ModelRecord } from "../../src/openai/models.js";

/** The three ways the real-inference bench runs the same model, side by side. */
export type RealScenario = "pagellm" | "raw" | "webllm";

/** What the node side tells the bench page: the model host, the model, the request. */
export interface RealOptions {
  /** The synthetic model server, e.g. `http://127.0.0.1:41234`. */
  server: string;
  /** The model's path segment on that server, and its library's file stem. */
  name: string;
  /** How many tokens the timed reply decodes (each one is a real decode step). */
  maxTokens: number;
}

/** One scenario's figures, all in milliseconds measured on the page's clock. */
export interface RealRun {
  scenario: RealScenario;
  /** From creating the worker to the model loaded, with an empty browser cache (a fresh profile). */
  readyColdMs: number;
  /** The same in a new worker once the files are in the browser's cache. */
  readyCachedMs: number;
  /** From the create() call to the first content delta on the page. */
  ttftMs: number;
  /** Content deltas received. */
  tokens: number;
  /** (tokens - 1) / the time from the first delta to the last, per second. */
  decodeTokensPerS: number;
  /** The reply's text: the same seed must give the same text in every scenario. */
  text: string;
}

/** The id the bench's model record uses in every scenario. */
export const REAL_MODEL_ID = "bench-synthetic";

/** The model record every scenario loads: the same URLs, the same id. */
export function realRecord(o: Pick<RealOptions, "server" | "name">): ModelRecord {
  return { model: `${o.server}/m/${o.name}`, model_id: REAL_MODEL_ID, model_lib: `${o.server}/libs/${o.name}.wasm`, vram_required_MB: 512, low_resource_required: true };
}

/** The timed request, the same in every scenario (WebLLM's conversation template adds its system message). */
export function realRequest(maxTokens: number): { model: string; messages: { role: "user"; content: string }[]; max_tokens: number; temperature: number; seed: number; stream: true } {
  return { model: REAL_MODEL_ID, messages: [{ role: "user", content: "Hi" }], max_tokens: maxTokens, temperature: 1, seed: 42, stream: true };
}

declare global {
  interface Window {
    real?: { run(scenario: RealScenario, options: RealOptions): Promise<RealRun> };
  }
}
