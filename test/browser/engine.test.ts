import { afterAll, describe, expect, test } from "vitest";
import {
  APIError,
  APIUserAbortError,
  BadRequestError,
  NotFoundError,
  type ChatCompletionChunk,
  type ChatCompletionMessageParam,
} from "../../src/index.js";
import { schemaErrors } from "../support/schema.js";
import { fakeEngine } from "./harness.js";

// The core contract in real Chromium: a real module Worker serving the fake backend.
const engine = await fakeEngine({ models: ["fake-1", "Qwen2.5-0.5B-Instruct-q4f16_1-MLC"] });
afterAll(() => engine.close());

async function text(stream: AsyncIterable<ChatCompletionChunk>, seen: ChatCompletionChunk[] = []): Promise<string> {
  let out = "";
  for await (const c of stream) {
    seen.push(c);
    out += c.choices[0]?.delta.content ?? "";
  }
  return out;
}

test("the multi-turn loop of OpenAI's chat example runs for 5 turns, resending the whole history", async () => {
  const history: ChatCompletionMessageParam[] = [{ role: "system", content: "You are a Swiss assistant." }];
  const questions = ["Explain nFADP in 3 bullets.", "And for companies?", "Fines?", "Who enforces it?", "Thanks!"];
  let lastPrompt = 0;
  for (const [turn, q] of questions.entries()) {
    history.push({ role: "user", content: q });
    const resp = await engine.chat.completions.create({ model: "Qwen2.5-0.5B-Instruct-q4f16_1-MLC", messages: history, temperature: 0.7, max_tokens: 500, seed: turn });
    expect(schemaErrors("CreateChatCompletionResponse", resp)).toBeNull();
    const answer = resp.choices[0]?.message.content ?? "";
    expect(answer.length).toBeGreaterThan(0);
    history.push({ role: "assistant", content: answer });
    // prompt_tokens counts the whole prompt, as OpenAI does, even when the KV cache was reused.
    expect(resp.usage?.prompt_tokens).toBeGreaterThan(lastPrompt);
    if (turn > 0) expect(resp.usage?.prompt_tokens_details?.cached_tokens).toBeGreaterThan(lastPrompt);
    lastPrompt = resp.usage?.prompt_tokens ?? 0;
  }
  expect(history).toHaveLength(11);
});

test("for the same seed, the stream's deltas join to exactly the non-stream content", async () => {
  const body = { model: "fake-1", messages: [{ role: "user" as const, content: "Write a poem." }], seed: 1234 };
  const whole = await engine.chat.completions.create(body);
  const seen: ChatCompletionChunk[] = [];
  expect(await text(await engine.chat.completions.create({ ...body, stream: true, stream_options: { include_usage: true } }), seen)).toBe(
    whole.choices[0]?.message.content,
  );
  for (const c of seen) expect(schemaErrors("CreateChatCompletionStreamResponse", c)).toBeNull();
  expect(seen.at(-1)?.usage?.completion_tokens).toBe(whole.usage?.completion_tokens);
});

test("max_tokens: 3 gives length and 3 tokens; a stop sequence cuts before it", async () => {
  const short = await engine.chat.completions.create({ model: "fake-1", messages: [{ role: "user", content: "go" }], max_tokens: 3 });
  expect(short.choices[0]?.finish_reason).toBe("length");
  expect(short.usage?.completion_tokens).toBe(3);
  const full = (await engine.chat.completions.create({ model: "fake-1", messages: [{ role: "user", content: "go" }], seed: 7 })).choices[0]?.message.content ?? "";
  const stop = full.slice(10, 14);
  const cut = await engine.chat.completions.create({ model: "fake-1", messages: [{ role: "user", content: "go" }], seed: 7, stop });
  expect(cut.choices[0]?.finish_reason).toBe("stop");
  expect(cut.choices[0]?.message.content).toBe(full.slice(0, full.indexOf(stop)));
});

describe("errors are rebuilt as their own classes on the page", () => {
  test("BadRequestError with param, NotFoundError, each an APIError", async () => {
    const bad = await engine.chat.completions.create({ model: "fake-1", messages: [{ role: "user", content: "x" }], top_p: 7 }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(BadRequestError);
    expect(bad).toBeInstanceOf(APIError);
    expect(bad).toMatchObject({ status: 400, param: "top_p", name: "BadRequestError" });
    expect(schemaErrors("ErrorResponse", (bad as APIError).toJSON())).toBeNull();
    const missing = await engine.chat.completions.create({ model: "nope", messages: [{ role: "user", content: "x" }] }).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(NotFoundError);
    expect(missing).toMatchObject({ status: 404, code: "model_not_found" });
  });
});

test("200 streams aborted at random points, mixed with queued requests: nothing hangs, nothing leaks", async () => {
  const slow = await fakeEngine({ tokensPerSecond: 4000 });
  try {
    let seed = 1;
    const rand = (): number => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const jobs: Promise<string>[] = [];
    for (let i = 0; i < 200; i++) {
      const controller = new AbortController();
      const when = rand();
      const job = (async (): Promise<string> => {
        if (when < 0.1) controller.abort(); // before the request is even sent
        const stream = await slow.chat.completions.create(
          { model: "fake-1", messages: [{ role: "user", content: `n${i}` }], stream: true, max_tokens: 20, seed: i },
          { signal: controller.signal },
        );
        let n = 0;
        for await (const _ of stream) {
          if (++n > when * 20) {
            if (when < 0.5) stream.controller.abort();
            else if (when < 0.8) break;
            else controller.abort();
          }
        }
        return "done";
      })().catch((err: unknown) => (err instanceof APIUserAbortError ? "aborted" : `unexpected ${String(err)}`));
      jobs.push(job);
      // A non-streamed request queued behind every tenth stream.
      if (i % 10 === 0) jobs.push(slow.chat.completions.create({ model: "fake-1", messages: [{ role: "user", content: "q" }], max_tokens: 2 }).then(() => "done"));
    }
    const outcomes = await Promise.all(jobs);
    expect(outcomes.filter((o) => o.startsWith("unexpected"))).toEqual([]);
    expect(outcomes.filter((o) => o === "aborted").length).toBeGreaterThan(50);
    const after = await slow.chat.completions.create({ model: "fake-1", messages: [{ role: "user", content: "still there?" }], max_tokens: 4 });
    expect(after.choices[0]?.finish_reason).toBe("length");
    await expect.poll(() => slow.stats()).toMatchObject({ openPorts: 0, listeners: 0, queued: 0, running: 0 });
  } finally {
    slow.close();
  }
});

test("a worker that fails to start rejects at once instead of hanging", async () => {
  const { createEngine, EngineUnavailableError } = await import("../../src/index.js");
  const broken = new Worker(new URL("./fixtures/missing-worker.ts", import.meta.url), { type: "module" });
  await expect(createEngine({ worker: broken })).rejects.toBeInstanceOf(EngineUnavailableError);
});
