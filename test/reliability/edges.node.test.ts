import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  BadRequestError,
  ContextLengthExceededError,
  EngineUnavailableError,
  type ChatCompletionChunk,
  type LoadProgress,
} from "../../src/index.js";
import type { Backend, GenerateEvent } from "../../src/worker.js";
import { runPipeline, toGenerateRequest } from "../../src/endpoints/chat/pipeline.js";
import { TextGate } from "../../src/endpoints/chat/text-gate.js";
import { validateRequest } from "../../src/endpoints/chat/validate.js";
import { fromWebLLMError } from "../../src/backends/webllm/errors.js";
import { nodeEngine } from "../support/node-engine.js";
import { report, settings } from "./support/settings.js";
import { cutAtStop, hasLoneSurrogate, splitAt } from "./support/stops.js";

// Inputs at the edges, where no worker is needed to see the bug (the stop-sequence gate, the
// pipeline over a backend that splits its text anywhere), and the regression tests for the bugs
// the fuzzer found on the page↔worker path.

// Few letters, so that stop sequences overlap each other and the text often; an emoji, so that
// pieces split surrogate pairs.
const letter = fc.constantFrom("a", "b", "c", "😀");
const text = fc.array(letter, { maxLength: 24 }).map((l) => l.join(""));
const stops = fc.array(
  fc.array(letter, { minLength: 1, maxLength: 4 }).map((l) => l.join("")),
  { minLength: 1, maxLength: 4 },
);
const offsets = fc.array(fc.nat(), { maxLength: 12 });

/** The gate's output when `pieces` arrive one by one. */
function gate(stopList: string[], pieces: string[]): { content: string; matched: string | null; emitted: string[] } {
  const g = new TextGate(stopList);
  const emitted: string[] = [];
  for (const p of pieces) {
    const r = g.push(p);
    emitted.push(r.emit);
    if (r.matched) return { content: emitted.join(""), matched: r.matched, emitted };
  }
  return { content: emitted.join("") + g.flush(), matched: null, emitted };
}

/** A backend that sends `pieces` as its deltas, one token each. */
function piecesBackend(pieces: string[]): Backend {
  return {
    capabilities: { jsonObject: false, jsonSchema: false, logprobs: false, grammar: false, vision: false, embeddings: false },
    async listModels() {
      return [];
    },
    async load() {},
    async unload() {},
    async *generate(_req, signal): AsyncGenerator<GenerateEvent> {
      for (const p of pieces) {
        if (signal.aborted) break;
        yield { type: "delta", text: p, tokens: 1 };
      }
      yield { type: "end", finish_reason: "stop", prompt_tokens: 3, completion_tokens: pieces.length, cached_tokens: 0 };
    },
  };
}

async function pipelineText(pieces: string[], stop: string[]): Promise<{ content: string; chunks: ChatCompletionChunk[] }> {
  const req = validateRequest({ model: "m", messages: [{ role: "user", content: "x" }], stream: true, stop });
  const chunks: ChatCompletionChunk[] = [];
  for await (const c of runPipeline(req, toGenerateRequest(req), { backend: piecesBackend(pieces), signal: new AbortController().signal })) chunks.push(c);
  return { content: chunks.map((c) => c.choices[0]?.delta.content ?? "").join(""), chunks };
}

describe("stop sequences that overlap each other and the chunk boundaries", () => {
  test("regression: the cut does not depend on how the text was split", () => {
    // Found by the property below: with the earliest *start* winning, "abcd" cut at "" when it
    // came whole and at "ab" when it came letter by letter.
    expect(gate(["abcd", "c"], ["abcd"])).toMatchObject({ content: "ab", matched: "c" });
    expect(gate(["abcd", "c"], ["a", "b", "c", "d"])).toMatchObject({ content: "ab", matched: "c" });
  });

  test(`${settings.gateRuns} random texts, stop sets and splits agree with the one-character-at-a-time meaning`, () => {
    const started = performance.now();
    fc.assert(
      fc.property(text, stops, offsets, (t, s, o) => {
        const got = gate(s, splitAt(t, o));
        expect({ content: got.content, matched: got.matched }).toEqual(cutAtStop(t, s));
        // Nothing is emitted that ends in half an emoji.
        for (const e of got.emitted) expect(/[\uD800-\uDBFF]$/.test(e)).toBe(false);
      }),
      { numRuns: settings.gateRuns, seed: 20_261_128 },
    );
    report("stop-gate", { runs: settings.gateRuns, ms: Math.round(performance.now() - started) });
  });

  test("through the pipeline too: streamed content is the cut text, every chunk well-formed", async () => {
    await fc.assert(
      fc.asyncProperty(text, stops, offsets, async (t, s, o) => {
        const { content, chunks } = await pipelineText(splitAt(t, o).filter((p) => p.length > 0), s);
        expect(content).toBe(cutAtStop(t, s).content);
        for (const c of chunks) expect(hasLoneSurrogate(c.choices[0]?.delta.content ?? "")).toBe(false);
      }),
      { numRuns: Math.min(settings.gateRuns, 500), seed: 20_261_128 },
    );
  });
});

describe("regressions found by the fuzzer, on the real page↔worker path", () => {
  let ctx: Awaited<ReturnType<typeof nodeEngine>>;
  beforeAll(async () => {
    ctx = await nodeEngine({ models: ["fake-1", { id: "tiny", context_window: 64 }] });
  });
  afterAll(() => ctx?.close());
  const user = [{ role: "user" as const, content: "hi" }];

  test("a function in the request is a 400 naming its path, not a bare DataCloneError, and leaks no call", async () => {
    const err = await ctx.engine.chat.completions.create({ model: "fake-1", messages: user, user: (() => "x") as never }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadRequestError);
    expect(err).toMatchObject({ status: 400, param: "user", message: expect.stringMatching(/plain JSON data/) });
    const tools = [{ type: "function" as const, function: { name: "f", handler: () => 1 } }];
    expect(await ctx.engine.chat.completions.create({ model: "fake-1", messages: user, tools }).catch((e: unknown) => e)).toMatchObject({
      status: 400,
      param: "tools[0].function.handler",
    });
    expect((await ctx.engine.stats()).pageCalls).toBe(0);
  });

  test("nesting deeper than postMessage's stack is a 400 naming its path, not a bare RangeError", async () => {
    let deep: unknown = "x";
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const messages = [{ role: "user" as const, content: [{ type: "text" as const, text: "hi", extra: deep }] }];
    const err = await ctx.engine.chat.completions.create({ model: "fake-1", messages }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadRequestError);
    expect((err as BadRequestError).param).toMatch(/^messages\[0\]\.content\[0\]\.extra/);
    expect((await ctx.engine.stats()).pageCalls).toBe(0);
  });

  test("a cycle in a tool's parameters is a 400 naming its path, not a 500", async () => {
    const parameters: Record<string, unknown> = { type: "object" };
    parameters.self = parameters;
    const tools = [{ type: "function" as const, function: { name: "f", parameters } }];
    const err = await ctx.engine.chat.completions.create({ model: "fake-1", messages: user, tools }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadRequestError);
    expect(err).toMatchObject({ status: 400, param: "tools[0].function.parameters.self", message: expect.stringMatching(/contains itself/) });
    // The worker refuses it too, for callers that reach it without the page's check.
    expect(() => validateRequest({ model: "fake-1", messages: user, tools })).toThrow(expect.objectContaining({ status: 400, param: "tools" }));
  });

  test("a streamed prompt over the window rejects create() itself, before the model is loaded", async () => {
    const progress: LoadProgress[] = [];
    const fresh = await nodeEngine({ models: [{ id: "tiny", context_window: 64 }] }, { onProgress: (p) => progress.push(p) });
    try {
      const long = [{ role: "user" as const, content: "word ".repeat(200) }];
      for (const stream of [true, false]) {
        const err = await fresh.engine.chat.completions.create({ model: "tiny", messages: long, stream }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(ContextLengthExceededError);
        expect(err).toMatchObject({ status: 400, code: "context_length_exceeded", param: "messages" });
      }
      // Nothing was loaded: the check ran before the queue, the load and any GPU work.
      expect(progress).toEqual([]);
      expect((await fresh.engine.stats()).loaded).toBeNull();
    } finally {
      await fresh.close();
    }
  });
});

describe("regression found by the CSP test", () => {
  test("WebAssembly refused by the page's policy is explained as the policy, not as a broken model library", () => {
    // Chromium's words, from privacy.e2e.test.ts under a policy without 'wasm-unsafe-eval'.
    const refused = new WebAssembly.CompileError(
      "WebAssembly.instantiate(): Compiling or instantiating WebAssembly module violates the following Content Security policy " +
        "directive because 'unsafe-eval' is not an allowed source of script in the following Content Security Policy directive: \"script-src 'self'\".",
    );
    const err = fromWebLLMError(refused, { model: "m", modelLib: "https://example.com/m.wasm" });
    expect(err).toBeInstanceOf(EngineUnavailableError);
    expect(err).toMatchObject({ status: 503, code: "csp_blocks_webassembly", message: expect.stringContaining("'wasm-unsafe-eval'") });
    // A library that really is broken still reads as one.
    expect(fromWebLLMError(new WebAssembly.CompileError("expected magic word 00 61 73 6d"), { modelLib: "x.wasm" })).toMatchObject({ status: 502 });
  });
});
