import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  APIUserAbortError,
  BadRequestError,
  ContextLengthExceededError,
  NotFoundError,
  type ChatCompletionChunk,
  type ChatCompletionMessageParam,
} from "../../src/index.js";
import { tokenize } from "../../src/testing.js";
import { nodeEngine } from "../support/node-engine.js";
import { schemaErrors } from "../support/schema.js";

// The whole page↔worker path over a real worker_threads Worker, with the fake backend.
let ctx: Awaited<ReturnType<typeof nodeEngine>>;
beforeAll(async () => {
  ctx = await nodeEngine({ models: ["fake-1", "Qwen2.5-0.5B-Instruct-q4f16_1-MLC", { id: "tiny", context_window: 64 }, "SmolLM2-135M-Instruct-q0f32-MLC", "Qwen2-Math-1.5B-Instruct-q4f16_1-MLC"] });
});
afterAll(() => ctx.close());

const user = (content: string): ChatCompletionMessageParam[] => [{ role: "user", content }];

async function collect(stream: AsyncIterable<ChatCompletionChunk>): Promise<ChatCompletionChunk[]> {
  const out: ChatCompletionChunk[] = [];
  for await (const c of stream) out.push(c);
  return out;
}

describe("responses", () => {
  test("a non-streamed completion has OpenAI's shape and validates", async () => {
    const r = await ctx.engine.chat.completions.create({ model: "fake-1", messages: user("hello"), seed: 1 });
    expect(schemaErrors("CreateChatCompletionResponse", r)).toBeNull();
    expect(r.id).toMatch(/^chatcmpl-[A-Za-z0-9]{24}$/);
    expect(r.object).toBe("chat.completion");
    expect(Math.abs(r.created - Date.now() / 1000)).toBeLessThan(5);
    expect(r.model).toBe("fake-1");
    expect(r.choices[0]?.finish_reason).toBe("stop");
    const content = r.choices[0]?.message.content ?? "";
    expect(r.usage?.completion_tokens).toBe(tokenize(content).length);
    expect(r.usage?.prompt_tokens).toBe(tokenize("hello").length + 3);
    expect(r.usage?.total_tokens).toBe((r.usage?.prompt_tokens ?? 0) + (r.usage?.completion_tokens ?? 0));
  });

  test("the same seed streams exactly the non-streamed content, and every chunk validates", async () => {
    const body = { model: "fake-1", messages: user("tell me a story"), seed: 42, temperature: 0.7 };
    const whole = await ctx.engine.chat.completions.create(body);
    const chunks = await collect(
      await ctx.engine.chat.completions.create({ ...body, stream: true, stream_options: { include_usage: true } }),
    );
    for (const c of chunks) expect(schemaErrors("CreateChatCompletionStreamResponse", c)).toBeNull();
    expect(chunks[0]?.choices[0]?.delta.role).toBe("assistant");
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? "").join("")).toBe(whole.choices[0]?.message.content);
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
    const last = chunks.at(-1);
    expect(last?.choices).toEqual([]);
    expect(last?.usage).toEqual(whole.usage === undefined ? undefined : { ...whole.usage, prompt_tokens_details: { cached_tokens: expect.any(Number) } });
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe("stop");
  });

  test("temperature 0 repeats itself; different seeds differ", async () => {
    const a = await ctx.engine.chat.completions.create({ model: "fake-1", messages: user("x"), temperature: 0 });
    const b = await ctx.engine.chat.completions.create({ model: "fake-1", messages: user("x"), temperature: 0 });
    expect(a.choices[0]?.message.content).toBe(b.choices[0]?.message.content);
    const c = await ctx.engine.chat.completions.create({ model: "fake-1", messages: user("x"), seed: 1 });
    const d = await ctx.engine.chat.completions.create({ model: "fake-1", messages: user("x"), seed: 2 });
    expect(c.choices[0]?.message.content).not.toBe(d.choices[0]?.message.content);
  });

  test("max_tokens: 3 ends with length after exactly 3 tokens", async () => {
    const r = await ctx.engine.chat.completions.create({ model: "fake-1", messages: user("go"), max_tokens: 3, seed: 5 });
    expect(r.choices[0]?.finish_reason).toBe("length");
    expect(r.usage?.completion_tokens).toBe(3);
    expect(tokenize(r.choices[0]?.message.content ?? "")).toHaveLength(3);
  });

  test("a stop sequence cuts the content before it", async () => {
    const full = (await ctx.engine.chat.completions.create({ model: "fake-1", messages: user("go"), seed: 9 })).choices[0]?.message.content ?? "";
    const words = full.split(" ");
    const stop = ` ${words[3]}`;
    const cut = await ctx.engine.chat.completions.create({ model: "fake-1", messages: user("go"), seed: 9, stop: [stop, "zzzz"] });
    expect(cut.choices[0]?.finish_reason).toBe("stop");
    expect(cut.choices[0]?.message.content).toBe(full.slice(0, full.indexOf(stop)));
    const streamed = await collect(await ctx.engine.chat.completions.create({ model: "fake-1", messages: user("go"), seed: 9, stop, stream: true }));
    expect(streamed.map((c) => c.choices[0]?.delta.content ?? "").join("")).toBe(cut.choices[0]?.message.content);
  });

  test("the multi-turn loop of OpenAI's chat example reuses the KV cache and counts the whole prompt", async () => {
    const history: ChatCompletionMessageParam[] = [{ role: "system", content: "You are a Swiss legal assistant." }];
    let previousPrompt = 0;
    let previousReply = 0;
    for (let turn = 0; turn < 5; turn++) {
      history.push({ role: "user", content: `Question ${turn}: what does nFADP say?` });
      const r = await ctx.engine.chat.completions.create({ model: "fake-1", messages: history, seed: turn });
      const answer = r.choices[0]?.message.content ?? "";
      history.push({ role: "assistant", content: answer });
      expect(r.usage?.prompt_tokens).toBeGreaterThan(previousPrompt);
      // The fake's KV cache holds the last prompt (which ends with the assistant marker), the
      // reply and its end marker; the next prompt starts with exactly those tokens.
      const cached = r.usage?.prompt_tokens_details?.cached_tokens ?? 0;
      if (turn === 0) expect(cached).toBe(0);
      else expect(cached).toBe(previousPrompt + previousReply + 1);
      previousPrompt = r.usage?.prompt_tokens ?? 0;
      previousReply = r.usage?.completion_tokens ?? 0;
    }
  });
});

describe("errors keep their class across the boundary", () => {
  test("bad request names the param", async () => {
    const err = await ctx.engine.chat.completions.create({ model: "fake-1", messages: user("x"), temperature: 3 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadRequestError);
    expect(err).toMatchObject({ status: 400, param: "temperature", type: "invalid_request_error" });
    expect(schemaErrors("ErrorResponse", (err as BadRequestError).toJSON())).toBeNull();
  });

  test("unknown model is a 404 with code model_not_found", async () => {
    const err = await ctx.engine.chat.completions.create({ model: "gpt-9", messages: user("x") }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect(err).toMatchObject({ status: 404, code: "model_not_found", param: "model" });
    await expect(ctx.engine.models.retrieve("gpt-9")).rejects.toBeInstanceOf(NotFoundError);
  });

  test("a prompt over the context window fails before generation", async () => {
    const err = await ctx.engine.chat.completions.create({ model: "tiny", messages: user("word ".repeat(100)) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ContextLengthExceededError);
    expect(err).toBeInstanceOf(BadRequestError);
    expect(err).toMatchObject({ status: 400, code: "context_length_exceeded" });
  });

  test("tools on a model without tool support are refused, not ignored", async () => {
    const tools = [{ type: "function" as const, function: { name: "f" } }];
    const err = await ctx.engine.chat.completions.create({ model: "Qwen2-Math-1.5B-Instruct-q4f16_1-MLC", messages: user("x"), tools }).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 400, param: "tools" });
  });
});

describe("models", () => {
  test("list and retrieve validate against OpenAI's schemas and add local facts", async () => {
    const list = await ctx.engine.models.list();
    expect(schemaErrors("ListModelsResponse", list)).toBeNull();
    for (const m of list.data) expect(schemaErrors("Model", m)).toBeNull();
    const qwen = await ctx.engine.models.retrieve("Qwen2.5-0.5B-Instruct-q4f16_1-MLC");
    expect(qwen).toMatchObject({ object: "model", tools: true, cached: expect.any(Boolean), context_window: 4096 });
  });

  test("load reports progress from the start, and the second load comes from the cache", async () => {
    const phases: string[] = [];
    await ctx.engine.load("SmolLM2-135M-Instruct-q0f32-MLC", { onProgress: (p) => phases.push(p.phase) });
    expect(phases[0]).toBe("fetch-weights");
    expect(phases.at(-1)).toBe("ready");
    await ctx.engine.unload();
    const again: string[] = [];
    await ctx.engine.load("SmolLM2-135M-Instruct-q0f32-MLC", { onProgress: (p) => again.push(p.phase) });
    expect(again).toContain("cache");
    expect((await ctx.engine.models.retrieve("SmolLM2-135M-Instruct-q0f32-MLC")).cached).toBe(true);
  });
});

describe("aborts and the queue", () => {
  test("an aborted non-stream call rejects with APIUserAbortError and frees the model", async () => {
    const slow = await nodeEngine({ tokensPerSecond: 200 });
    try {
      const ac = new AbortController();
      const p = slow.engine.chat.completions.create({ model: "fake-1", messages: user("x"), max_tokens: 500 }, { signal: ac.signal });
      setTimeout(() => ac.abort(), 30);
      await expect(p).rejects.toBeInstanceOf(APIUserAbortError);
      const next = await slow.engine.chat.completions.create({ model: "fake-1", messages: user("x"), max_tokens: 2 });
      expect(next.choices[0]?.finish_reason).toBe("length");
    } finally {
      await slow.close();
    }
  });

  test("break, controller.abort() and a signal all cancel a stream in the worker", async () => {
    const slow = await nodeEngine({ tokensPerSecond: 500 });
    try {
      const body = { model: "fake-1", messages: user("x"), max_tokens: 1000, stream: true as const };
      const s1 = await slow.engine.chat.completions.create(body);
      for await (const _ of s1) break;
      const s2 = await slow.engine.chat.completions.create(body);
      const it = s2[Symbol.asyncIterator]();
      await it.next();
      s2.controller.abort();
      await expect(it.next()).rejects.toBeInstanceOf(APIUserAbortError);
      const ac = new AbortController();
      const s3 = await slow.engine.chat.completions.create(body, { signal: ac.signal });
      const seen = (async () => {
        for await (const _ of s3) ac.abort();
      })();
      await expect(seen).rejects.toBeInstanceOf(APIUserAbortError);
      await expect.poll(async () => (await slow.engine.stats()).openPorts).toBe(0);
      expect(await slow.engine.stats()).toMatchObject({ running: 0, queued: 0, listeners: 0 });
    } finally {
      await slow.close();
    }
  });

  test("requests run in FIFO order; a queued request that aborts leaves at once", async () => {
    const paced = await nodeEngine({ tokensPerSecond: 1000, reply: ["0", "1", "3", "4"] });
    try {
      const order: number[] = [];
      const ac = new AbortController();
      const calls = [0, 1, 2, 3, 4].map((seed) =>
        paced.engine.chat.completions
          .create({ model: "fake-1", messages: user("x"), seed }, seed === 2 ? { signal: ac.signal } : {})
          .then((r) => order.push(Number(r.choices[0]?.message.content))),
      );
      ac.abort();
      const results = await Promise.allSettled(calls);
      expect(results[2]?.status).toBe("rejected");
      expect(order).toEqual([0, 1, 3, 4]);
    } finally {
      await paced.close();
    }
  });
});
