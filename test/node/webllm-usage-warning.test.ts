// When a WebLLM internal that exact usage needs is missing, the adapter still answers, with
// WebLLM's approximate counts, and says so once per engine on the console.
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from "vitest";
import type { GenerateEvent } from "../../src/backends/backend.js";
import { generate } from "../../src/backends/webllm/generate.js";
import { ENGINE_PIPELINES, PIPELINE_METHODS, WEBLLM_VERSION } from "../../src/backends/webllm/internals.js";
import { baseRequest, scriptedEngine } from "../browser/fixtures/scripted-engine.js";

const control = { signal: new AbortController().signal, leftRunning: () => undefined };

/** One request of a turn whose first 50 prompt tokens WebLLM reuses from the KV cache. */
async function usage(engine: ReturnType<typeof scriptedEngine>["engine"]) {
  let end: GenerateEvent | undefined;
  for await (const ev of generate(engine, "m", baseRequest, control)) if (ev.type === "end") end = ev;
  return end;
}

const turn = () => scriptedEngine({ reused: 50, prefill: 10, tokens: ["Hel", "lo"] });

let warn: MockInstance<typeof console.warn>;
beforeEach(() => {
  warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
});
afterEach(() => warn.mockRestore());

describe("a missing WebLLM internal", () => {
  it("warns once per engine, naming the internal, what degrades and the tested version", async () => {
    const { engine, pipeline } = turn();
    delete (pipeline as Partial<typeof pipeline>)[PIPELINE_METHODS.completionTokens];
    // Regression (seen on the real WebLLM 0.2.79, which lacks only this method): the whole-prompt
    // and cached counts need only the KV length and the decode count, and stay exact.
    expect(await usage(engine)).toMatchObject({ prompt_tokens: 60, cached_tokens: 50, completion_tokens: 2 });
    await usage(engine);
    await usage(engine);
    expect(warn).toHaveBeenCalledTimes(1);
    const message = String(warn.mock.calls[0]?.[0]);
    expect(message).toContain(`LLMChatPipeline.${PIPELINE_METHODS.completionTokens}()`);
    expect(message).toContain("without the completion count, the tokens of each streamed delta are estimated");
    expect(message).toContain(`@mlc-ai/web-llm ${WEBLLM_VERSION}`);

    // Another engine with the same gap is another warning.
    const other = turn();
    delete (other.pipeline as Partial<typeof pipeline>)[PIPELINE_METHODS.completionTokens];
    await usage(other.engine);
    expect(warn).toHaveBeenCalledTimes(2);
  });

  it("without the decode count, the whole prompt falls back to WebLLM's own count", async () => {
    const { engine, pipeline } = turn();
    delete (pipeline as Partial<typeof pipeline>)[PIPELINE_METHODS.decodedTokens];
    expect(await usage(engine)).toMatchObject({ prompt_tokens: 10, cached_tokens: 0 });
    expect(String(warn.mock.calls[0]?.[0])).toContain("prompt_tokens counts only the tokens prefilled this turn");
  });

  it("warns about a missing pipeline map too", async () => {
    const { engine } = turn();
    delete (engine as unknown as Record<string, unknown>)[ENGINE_PIPELINES];
    expect(await usage(engine)).toMatchObject({ prompt_tokens: 10, cached_tokens: 0 });
    await usage(engine);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]?.[0])).toContain(`MLCEngine.${ENGINE_PIPELINES}`);
  });

  it("does not warn when every internal is there, and counts the whole prompt", async () => {
    const { engine } = turn();
    expect(await usage(engine)).toMatchObject({ prompt_tokens: 60, cached_tokens: 50 });
    await usage(engine);
    expect(warn).not.toHaveBeenCalled();
  });
});
