// Real generation: the real WebLLM module, in pagellm's real worker (serve() with its default
// backend), in Chromium with WebGPU on SwiftShader, running a real model library on a synthetic
// model (random weights, our byte-level tokenizer, a ChatML config) served from 127.0.0.1. The
// text is gibberish; the kernels, the KV cache, sampling, the grammar engine and the tokenizer are
// real, so every count, boundary, abort and constraint below is real.
//
// Budget (2 cores): a load takes about a minute, a prefill about 90 s whatever the prompt's
// length, a decode step 20-30 s. So there is one load, prompts are short, max_tokens is a few
// tokens, and tests share requests where they can. The tests run in order and depend on each
// other (the model stays loaded; turn 2 extends the stream test's conversation).
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { commands } from "vitest/browser";
import { createEngine, type Engine } from "../../src/index.js";
import { APIUserAbortError, BadRequestError } from "../../src/errors/classes.js";
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionCreateParamsNonStreaming } from "../../src/openai/chat.js";
import type { LoadProgress, ModelRecord } from "../../src/openai/models.js";
import { countTokens } from "../../src/synthetic/tokenizer.js";
import { mistralV3Format } from "../../src/tools/mistral.js";
import type { ChatCompletionTool } from "../../src/openai/chat.js";

const server = inject("webllmServer");
const model = inject("webllmModel");
const version = inject("webllmVersion");
const id = `synthetic-${model.name}`;
const record: ModelRecord = {
  model: `${server}/m/${model.name}`,
  model_id: id,
  model_lib: `${server}/libs/${model.name}.wasm`,
  vram_required_MB: 512,
  low_resource_required: true,
};

// The prompt exactly as WebLLM renders it with the synthetic ChatML template.
const SYSTEM = `<|im_start|>system\n${model.systemMessage}<|im_end|>\n`;
const turn = (role: string, text: string): string => `<|im_start|>${role}\n${text}<|im_end|>\n`;
const REPLY = "<|im_start|>assistant\n";

// Byte-level token ids are the byte values (src/synthetic/tokenizer.ts).
const BYTE = (ch: string): string => String(ch.charCodeAt(0));
const NO_WHITESPACE = Object.fromEntries([" ", "\t", "\n", "\r"].map((c) => [BYTE(c), -100]));
/** Id 256 is the first word, " ba". */
const BA = "256";

/** Whether dotted version `a` is older than `b`. */
function olderThan(a: string, b: string): boolean {
  const [x, y] = [a, b].map((v) => v.split(".").map(Number));
  for (let i = 0; i < Math.max(x!.length, y!.length); i++) if ((x![i] ?? 0) !== (y![i] ?? 0)) return (x![i] ?? 0) < (y![i] ?? 0);
  return false;
}

const say = (msg: string): void => console.log(`[test:webllm, WebLLM ${version}] ${msg}`);
async function timed<T>(label: string, run: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  try {
    return await run();
  } finally {
    say(`${label}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
}
const serverLog = async (): Promise<string[]> => (await fetch(`${server}/__log`)).json() as Promise<string[]>;
const valid = async (name: "CreateChatCompletionResponse" | "CreateChatCompletionStreamResponse" | "ListModelsResponse", value: unknown): Promise<void> => {
  expect(await commands.validateSchema(name, value), `${name}: ${JSON.stringify(value)}`).toBeNull();
};

let engine: Engine;
/** The same files under an id of a family with a short tool prompt (see the tool test). */
const toolRecord: ModelRecord = { ...record, model_id: "Mistral-7B-Instruct-v0.3-synthetic" };
const base = { model: id, temperature: 1, seed: 42 } as const;
const hi = [{ role: "user" as const, content: "Hi" }];
let first: ChatCompletion;

beforeAll(async () => {
  const worker = new Worker(new URL("./fixtures/worker.ts", import.meta.url), { type: "module" });
  engine = await createEngine({ worker, models: [record, toolRecord] });
});
afterAll(() => engine?.close());

describe(`real WebLLM on SwiftShader, synthetic ${model.name}`, () => {
  it("loads from the model server with pagellm's progress, fetching each file once", async () => {
    const progress: LoadProgress[] = [];
    await timed("load (cold)", () => engine.load(id, { onProgress: (p) => progress.push(p) }));
    const phases = [...new Set(progress.map((p) => p.phase))];
    say(`load phases: ${phases.join(" > ")}; ${progress.length} reports`);
    expect(phases[0]).toBe("check-gpu");
    expect(phases.at(-1)).toBe("ready");
    expect(progress.at(-1)?.progress).toBe(1);
    expect(progress.every((p, i) => i === 0 || p.progress >= progress[i - 1]!.progress)).toBe(true);
    const log = await serverLog();
    say(`model server, ${log.length} requests: ${log.join(", ")}`);
    const gets = log.filter((l) => l.startsWith("GET "));
    const file = (f: string): string => `GET /m/${model.name}/resolve/main/${f}`;
    // Nothing is downloaded twice (pagellm's own storage layer and WebLLM share the cache).
    expect(gets.filter((l, i) => gets.indexOf(l) !== i), "downloaded twice").toEqual([]);
    for (const f of ["mlc-chat-config.json", "tokenizer.json", ...model.shards]) expect(gets, f).toContain(file(f));
    expect(gets).toContain(`GET /libs/${model.name}.wasm`);
    // WebLLM < 0.2.80 reads ndarray-cache.json, later ones tensor-cache.json (which pagellm reads too).
    expect(gets).toContain(file(olderThan(version, "0.2.80") ? "ndarray-cache.json" : "tensor-cache.json"));
  });

  it("models.list() shows the model cached, with the context window its config declares", async () => {
    const list = await engine.models.list();
    await valid("ListModelsResponse", list);
    expect(list.data.find((m) => m.id === id)).toMatchObject({ id, cached: true, context_window: model.contextWindow, owned_by: "self-hosted" });
  });

  it("non-stream: OpenAI's shape, max_tokens 3 → length with 3 completion tokens, prompt_tokens by the real tokenizer, logprobs per token", async () => {
    const params: ChatCompletionCreateParamsNonStreaming = { ...base, messages: hi, max_tokens: 3, logprobs: true, top_logprobs: 2 };
    first = await timed("non-stream, 3 tokens", () => engine.chat.completions.create(params));
    say(`non-stream content ${JSON.stringify(first.choices[0]?.message.content)}, usage ${JSON.stringify(first.usage)}`);
    await valid("CreateChatCompletionResponse", first);
    expect(first).toMatchObject({ object: "chat.completion", model: id, choices: [{ index: 0, finish_reason: "length", message: { role: "assistant" } }] });
    expect(first.id).toMatch(/^chatcmpl-/);
    expect(Math.abs(first.created - Date.now() / 1000)).toBeLessThan(3600);
    const content = first.choices[0]!.message.content ?? "";
    expect(content.length).toBeGreaterThan(0);
    const prompt = countTokens(SYSTEM + turn("user", "Hi") + REPLY);
    expect(first.usage).toMatchObject({ prompt_tokens: prompt, completion_tokens: 3, total_tokens: prompt + 3 });
    const lp = first.choices[0]!.logprobs?.content ?? [];
    expect(lp).toHaveLength(3);
    for (const t of lp) {
      expect(Number.isFinite(t.logprob) && t.logprob <= 0, JSON.stringify(t)).toBe(true);
      expect(t.top_logprobs).toHaveLength(2);
      for (const top of t.top_logprobs) expect(Number.isFinite(top.logprob), JSON.stringify(top)).toBe(true);
    }
    expect(lp.map((t) => t.token).join("")).toBe(content);
  });

  it("stream: role first, deltas, a finish chunk, a usage chunk; same seed → the same text as non-stream", async () => {
    const chunks: ChatCompletionChunk[] = [];
    await timed("stream, 3 tokens", async () => {
      const stream = await engine.chat.completions.create({ ...base, messages: hi, max_tokens: 3, logprobs: true, top_logprobs: 2, stream: true, stream_options: { include_usage: true } });
      for await (const c of stream) chunks.push(c);
    });
    for (const c of chunks) await valid("CreateChatCompletionStreamResponse", c);
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? "").join("");
    say(`stream content ${JSON.stringify(text)} in ${chunks.length} chunks (non-stream: ${JSON.stringify(first.choices[0]?.message.content)})`);
    expect(chunks[0]?.choices[0]?.delta.role).toBe("assistant");
    const finishes = chunks.filter((c) => c.choices[0]?.finish_reason);
    expect(finishes.map((c) => c.choices[0]?.finish_reason)).toEqual(["length"]);
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: first.usage });
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
    expect(text).toBe(first.choices[0]?.message.content);
  });

  it("turn 2 reuses the KV cache: prompt_tokens counts the whole prompt, cached_tokens the reused prefix", async () => {
    const reply = first.choices[0]?.message.content ?? "";
    const messages = [...hi, { role: "assistant" as const, content: reply }, { role: "user" as const, content: "Ok" }];
    const r = await timed("turn 2, 2 tokens", () => engine.chat.completions.create({ ...base, messages, max_tokens: 2 }));
    say(`turn 2 usage ${JSON.stringify(r.usage)}`);
    // WebLLM sees that the messages extend the conversation it ran last (the stream test's, the
    // same text as `first`), keeps its KV cache and prefills only the new turn. That cache holds
    // the earlier prompt and every token it generated but the last (each decode step feeds back
    // the token sampled before it), in the model's own tokens; the reply's last token and its
    // <|im_end|> separator are never fed in (WebLLM's getPromptArrayLastRound starts at the new
    // message). So the whole prompt the model saw is that prefix plus the new turn.
    const newTurn = countTokens(turn("user", "Ok") + REPLY);
    const reused = (first.usage?.prompt_tokens ?? 0) + (first.usage?.completion_tokens ?? 0) - 1;
    expect(r.usage?.completion_tokens).toBe(2);
    expect(r.usage?.prompt_tokens_details?.cached_tokens).toBe(reused);
    expect(r.usage?.prompt_tokens).toBe(reused + newTurn);
  });

  it("a stop sequence across two tokens ends the text before it, with finish_reason stop", async () => {
    // logit_bias +100 on " ba" makes the random model say " ba ba ba …"; "a b" spans two tokens.
    const r = await timed("stop sequence", () =>
      engine.chat.completions.create({ ...base, messages: [{ role: "user", content: "Go" }], max_tokens: 4, logit_bias: { [BA]: 100 }, stop: ["a b"] }),
    );
    say(`stop: content ${JSON.stringify(r.choices[0]?.message.content)}, usage ${JSON.stringify(r.usage)}`);
    expect(r.choices[0]).toMatchObject({ finish_reason: "stop", message: { content: " b" } });
    expect(r.usage?.completion_tokens).toBeGreaterThanOrEqual(2);
    expect(r.usage?.completion_tokens).toBeLessThan(4);
  });

  it("two concurrent requests each get their own reply: the lane runs them in turn, and neither sees the other's tokens", async () => {
    const yo = [{ role: "user" as const, content: "Yo yo" }];
    const [a, b] = await timed("two concurrent requests, 3 + 2 tokens", () =>
      Promise.all([
        engine.chat.completions.create({ ...base, messages: hi, max_tokens: 3 }),
        engine.chat.completions.create({ ...base, seed: 7, messages: yo, max_tokens: 2 }),
      ]),
    );
    say(`concurrent: ${JSON.stringify(a.choices[0]?.message.content)} ${JSON.stringify(a.usage)}; ${JSON.stringify(b.choices[0]?.message.content)} ${JSON.stringify(b.usage)}`);
    expect(a.id).not.toBe(b.id);
    // The non-stream test's prompt and seed: its text exactly, though another request ran beside it.
    expect(a.choices[0]?.message.content).toBe(first.choices[0]?.message.content);
    expect(a.usage).toMatchObject({ prompt_tokens: first.usage?.prompt_tokens, completion_tokens: 3 });
    // Its own prompt, counted whole: it does not extend the conversation that ran before it.
    expect(b.usage).toMatchObject({ prompt_tokens: countTokens(SYSTEM + turn("user", "Yo yo") + REPLY), completion_tokens: 2 });
    expect(b.choices[0]?.finish_reason).toBe("length");
  });

  it("json_object: the grammar ends the output once the JSON is complete, and it parses", async () => {
    // The bias picks the object's braces; the grammar must then allow nothing but the end.
    const bias = { ...NO_WHITESPACE, [BYTE("{")]: 100, [BYTE("}")]: 100 };
    const r = await timed("json_object", () =>
      engine.chat.completions.create({ ...base, messages: [{ role: "user", content: "JSON" }], max_tokens: 6, logit_bias: bias, response_format: { type: "json_object" } }),
    );
    say(`json_object: ${JSON.stringify(r.choices[0]?.message.content)}, ${r.choices[0]?.finish_reason}, usage ${JSON.stringify(r.usage)}`);
    expect(JSON.parse(r.choices[0]?.message.content ?? "")).toEqual({});
    expect(r.choices[0]?.finish_reason).toBe("stop");
  });

  it("json_schema: a random model can only write what the schema allows", async () => {
    const schema = { type: "object", properties: { a: { type: "boolean" } }, required: ["a"], additionalProperties: false };
    const r = await timed("json_schema", () =>
      engine.chat.completions.create({
        ...base,
        messages: [{ role: "user", content: "JSON" }],
        max_tokens: 16,
        logit_bias: NO_WHITESPACE,
        response_format: { type: "json_schema", json_schema: { name: "flag", schema, strict: true } },
      }),
    );
    say(`json_schema: ${JSON.stringify(r.choices[0]?.message.content)}, ${r.choices[0]?.finish_reason}, usage ${JSON.stringify(r.usage)}`);
    const value = JSON.parse(r.choices[0]?.message.content ?? "") as { a?: unknown };
    expect(Object.keys(value)).toEqual(["a"]);
    expect(typeof value.a).toBe("boolean");
    expect(r.choices[0]?.finish_reason).toBe("stop");
  });

  it("conversations WebLLM refuses but OpenAI accepts run, rendered as the prompt says; what cannot run is our 400", async () => {
    // WebLLM alone throws on each of these: a system message after the first, several text parts,
    // a developer message, and a conversation that ends with the assistant.
    const r = await timed("conversation shapes, 1 token", () =>
      engine.chat.completions.create({
        ...base,
        max_tokens: 1,
        messages: [
          { role: "system", content: "A" },
          { role: "user", content: [{ type: "text", text: "x" }, { type: "text", text: "y" }] },
          { role: "developer", content: "B" },
          { role: "assistant", content: "z" },
        ],
      }),
    );
    say(`conversation shapes: usage ${JSON.stringify(r.usage)}`);
    expect(r.choices[0]?.finish_reason).toBe("length");
    // System and developer text merged first, parts joined, an empty user turn after the assistant.
    expect(r.usage?.prompt_tokens).toBe(countTokens(turn("system", "A\n\nB") + turn("user", "xy") + turn("assistant", "z") + turn("user", "") + REPLY));
    const refused = await engine.chat.completions
      .create({ ...base, messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: "data:image/png;base64,AA==" } }] }] })
      .catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(BadRequestError);
    expect(refused).toMatchObject({ status: 400, param: "messages[0].content[0].type" });
  });

  it("an abort mid-decode rejects at once, WebLLM stops within a decode step, and the next request runs", async () => {
    const stream = await engine.chat.completions.create({ ...base, messages: [{ role: "user", content: "Go on" }], max_tokens: 40, stream: true });
    const t0 = performance.now();
    let abortedAt = 0;
    let tokens = 0;
    let error: unknown = null;
    try {
      for await (const c of stream) {
        if (!c.choices[0]?.delta.content) continue;
        tokens++;
        if (tokens === 2) {
          abortedAt = performance.now();
          stream.controller.abort();
        }
      }
    } catch (err) {
      error = err;
    }
    const rejectMs = performance.now() - abortedAt;
    say(`abort: after ${tokens} deltas at ${((abortedAt - t0) / 1000).toFixed(1)} s; the stream ended ${rejectMs.toFixed(0)} ms after abort() with ${(error as Error)?.name}`);
    expect(error).toBeInstanceOf(APIUserAbortError);
    expect(rejectMs).toBeLessThan(1000);
    // 38 more tokens would take 13+ minutes; stopping within a step leaves the next request a prefill and a step or two.
    const t1 = performance.now();
    const next = await timed("request after abort, 1 token", () => engine.chat.completions.create({ ...base, messages: hi, max_tokens: 1 }));
    expect(next.choices[0]?.finish_reason).toBe("length");
    expect(next.usage?.completion_tokens).toBe(1);
    expect(performance.now() - t1).toBeLessThan(6 * 60_000);
  });

  it("tool_choice required: the grammar makes a random model call the tool, and pagellm returns it as tool_calls", async () => {
    // The same model under a Mistral v0.3 id, so pagellm renders Mistral's tool format, whose
    // prompt is the shortest of all (204 tokens here; the generic protocol's is 667, and with one
    // token per byte a prefill costs about 2.5 s a token on SwiftShader: that one ran past 30
    // minutes). The required call is forced by pagellm's grammar through WebLLM's grammar engine,
    // one byte per decode step (the 44 bytes of `[TOOL_CALLS] [{"name": "f", "arguments": {}}]`).
    const toolId = toolRecord.model_id;
    await timed("switch to the Mistral-named record (from the cache)", () => engine.load(toolId));
    const tools: ChatCompletionTool[] = [{ type: "function", function: { name: "f" } }];
    const messages = [{ role: "user" as const, content: "Call" }];
    const r = await timed("tool_choice required", () =>
      engine.chat.completions.create({ ...base, model: toolId, messages, tools, tool_choice: "required", parallel_tool_calls: false, max_tokens: 48, logit_bias: NO_WHITESPACE }),
    );
    say(`tool_choice required: ${JSON.stringify(r.choices[0]?.message)}, ${r.choices[0]?.finish_reason}, usage ${JSON.stringify(r.usage)}`);
    await valid("CreateChatCompletionResponse", r);
    expect(r.choices[0]).toMatchObject({
      finish_reason: "tool_calls",
      message: { role: "assistant", content: null, tool_calls: [{ type: "function", function: { name: "f", arguments: "{}" } }] },
    });
    expect(r.choices[0]?.message.tool_calls).toHaveLength(1);
    expect(r.choices[0]?.message.tool_calls?.[0]?.id).toMatch(/^call_/);
    // The prompt is Mistral's tools block and cue, as pagellm rendered them, in the ChatML template.
    const rendered = mistralV3Format.render({ messages, tools, toolChoice: "required", parallelToolCalls: false });
    expect(r.usage?.prompt_tokens).toBe(countTokens(rendered.map((m) => turn(m.role, typeof m.content === "string" ? m.content : "")).join("") + REPLY));
    expect(r.usage?.completion_tokens).toBeLessThan(48);
  });

  it("unload, then a reload from the browser's cache with the model server gone, then a reply", async () => {
    await engine.unload();
    await fetch(`${server}/__stop`);
    let down = false;
    for (let i = 0; i < 50 && !down; i++) down = await fetch(`${server}/__log`).then(() => new Promise<boolean>((r) => setTimeout(() => r(false), 100)), () => true);
    expect(down, "the model server is gone").toBe(true);
    const progress: LoadProgress[] = [];
    await timed("reload from cache, server stopped", () => engine.load(id, { onProgress: (p) => progress.push(p) }));
    say(`reload phases: ${[...new Set(progress.map((p) => p.phase))].join(" > ")}`);
    expect(progress.at(-1)).toMatchObject({ phase: "ready", progress: 1 });
    expect((await engine.models.retrieve(id)).cached).toBe(true);
    const r = await timed("request after reload, 1 token", () => engine.chat.completions.create({ ...base, messages: hi, max_tokens: 1 }));
    expect(r.choices[0]?.finish_reason).toBe("length");
    expect(r.usage?.prompt_tokens).toBe(countTokens(SYSTEM + turn("user", "Hi") + REPLY));
  });
});
