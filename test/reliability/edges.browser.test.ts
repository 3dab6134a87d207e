import { afterAll, describe, expect, test } from "vitest";
import {
  BadRequestError,
  ContextLengthExceededError,
  type ChatCompletionChunk,
  type Engine,
  type LoadProgress,
} from "../../src/index.js";
import { tokenize } from "../../src/testing.js";
import { schemaErrors } from "../support/schema.js";
import { reliabilityEngine, since } from "./support/harness.js";
import { report } from "./support/settings.js";
import { cutAtStop, hasLoneSurrogate } from "./support/stops.js";

// Inputs at the edges, on a real module Worker in Chromium: empty messages, a prompt over the
// window, a megabyte of content, lone surrogates and emoji split across chunks, max_tokens: 1,
// and stop sequences that overlap each other and the chunk boundaries.

const MB = 1024 * 1024;
const user = (content: string) => [{ role: "user" as const, content }];

async function collect(stream: AsyncIterable<ChatCompletionChunk>): Promise<ChatCompletionChunk[]> {
  const out: ChatCompletionChunk[] = [];
  for await (const c of stream) out.push(c);
  return out;
}
const joined = (chunks: ChatCompletionChunk[]): string => chunks.map((c) => c.choices[0]?.delta.content ?? "").join("");

const engines: Engine[] = [];
afterAll(() => engines.forEach((e) => e.close()));
async function engine(...args: Parameters<typeof reliabilityEngine>): Promise<Engine> {
  const e = await reliabilityEngine(...args);
  engines.push(e);
  return e;
}

describe("empty input", () => {
  test("no messages is a 400 naming messages; an empty message is answered", async () => {
    const e = await engine();
    const err = await e.chat.completions.create({ model: "fake-1", messages: [] }).catch((x: unknown) => x);
    expect(err).toBeInstanceOf(BadRequestError);
    expect(err).toMatchObject({ status: 400, param: "messages" });
    for (const content of ["", [] as never]) {
      const r = await e.chat.completions.create({ model: "fake-1", messages: [{ role: "user", content }], max_tokens: 5 });
      expect(schemaErrors("CreateChatCompletionResponse", r)).toBeNull();
      expect(r.usage?.prompt_tokens).toBe(3);
    }
  });
});

describe("deep nesting", () => {
  test("regression: a request nested 2,000 levels deep is refused at once instead of never being answered", async () => {
    // Found while measuring the leak below the fuzzer's soak crash: Chromium posts an object
    // nested ~1,500 levels deep, but the worker cannot deserialize it and drops the message (a
    // messageerror that no caller sees), so create() waited forever.
    const e = await engine();
    let deep: unknown = "x";
    for (let d = 0; d < 2_000; d++) deep = { d: deep };
    const started = performance.now();
    const err = await e.chat.completions.create({ model: "fake-1", messages: user("x"), user: deep as never }).catch((x: unknown) => x);
    expect(err).toBeInstanceOf(BadRequestError);
    expect(err).toMatchObject({ status: 400, param: expect.stringMatching(/^user(\.d)+$/), message: expect.stringMatching(/nested more than 256 levels/) });
    expect(since(started)).toBeLessThan(100);
    // Nesting that any real request or JSON schema has still goes through.
    let schema: Record<string, unknown> = { type: "string" };
    for (let d = 0; d < 20; d++) schema = { type: "object", properties: { x: schema } };
    const ok = await e.chat.completions.create({ model: "fake-1", messages: user("x"), max_tokens: 1, response_format: { type: "json_schema", json_schema: { name: "deep", schema } } });
    expect(ok.choices[0]?.finish_reason).toBe("length");
  });
});

describe("a prompt over the context window", () => {
  test("fails with 400 context_length_exceeded before any load or GPU work, streamed or not", async () => {
    const progress: LoadProgress[] = [];
    const e = await engine({ fake: { models: [{ id: "small", context_window: 512 }], loadMs: 200 } }, { onProgress: (p) => progress.push(p) });
    const long = user("word ".repeat(600));
    for (const stream of [false, true]) {
      const started = performance.now();
      const err = await e.chat.completions.create({ model: "small", messages: long, stream }).catch((x: unknown) => x);
      expect(err).toBeInstanceOf(ContextLengthExceededError);
      expect(err).toMatchObject({ status: 400, code: "context_length_exceeded", param: "messages", type: "invalid_request_error" });
      expect(schemaErrors("ErrorResponse", (err as ContextLengthExceededError).toJSON())).toBeNull();
      // The model's load takes 200 ms; the refusal came before it could start.
      expect(since(started)).toBeLessThan(200);
    }
    expect(progress).toEqual([]);
    expect((await e.stats()).loaded).toBeNull();
    // max_tokens counts against the window too.
    const err = await e.chat.completions.create({ model: "small", messages: user("hi"), max_tokens: 600 }).catch((x: unknown) => x);
    expect(err).toBeInstanceOf(ContextLengthExceededError);
  });
});

describe("1 MB of content", () => {
  test("is refused quickly by a 4k model and answered by a model whose window fits it", async () => {
    const e = await engine({ fake: { models: ["fake-1", { id: "huge", context_window: 4_000_000 }] } });
    const content = "lorem ipsum dolor sit amet ".repeat(Math.ceil(MB / 27)).slice(0, MB);
    let started = performance.now();
    const err = await e.chat.completions.create({ model: "fake-1", messages: user(content) }).catch((x: unknown) => x);
    expect(err).toBeInstanceOf(ContextLengthExceededError);
    const refusedMs = since(started);
    started = performance.now();
    const r = await e.chat.completions.create({ model: "huge", messages: user(content), max_tokens: 8 });
    const answeredMs = since(started);
    expect(schemaErrors("CreateChatCompletionResponse", r)).toBeNull();
    expect(r.usage?.prompt_tokens).toBe(tokenize(content).length + 3);
    const stream = await e.chat.completions.create({ model: "huge", messages: user(content), max_tokens: 8, stream: true });
    expect((await collect(stream)).at(-1)?.choices[0]?.finish_reason).toBe("length");
    report("edges/1MB", { refusedMs, answeredMs, promptTokens: r.usage?.prompt_tokens });
  });
});

describe("odd Unicode", () => {
  // Emoji (surrogate pairs), a ZWJ family, a flag, a combining accent, and two genuine lone
  // surrogates that the "model" itself produced.
  const reply = "Hi 😀! 👩‍👩‍👧 🇨🇭 e\u0301 lone:\uD800 and \uDFFF end";

  test("emoji split across chunks arrive whole; no U+FFFD that the model did not write", async () => {
    // Every delta is a single UTF-16 code unit, so every emoji arrives in halves.
    const e = await engine({ splitUnits: true, fake: { reply } });
    const chunks = await collect(await e.chat.completions.create({ model: "fake-1", messages: user("x"), stream: true }));
    const contents = chunks.map((c) => c.choices[0]?.delta.content ?? "");
    expect(contents.join("")).toBe(reply);
    expect(contents.join("")).not.toContain("\uFFFD");
    // No chunk ends in the first half of a pair, so no chunk starts with the second half of one.
    for (const c of contents.slice(0, -1)) expect(/[\uD800-\uDBFF]$/.test(c)).toBe(false);
    // The only lone surrogates in any chunk are the model's own two.
    const lone = contents.filter(hasLoneSurrogate).join("").match(/[\uD800-\uDFFF]/g);
    expect(lone).toEqual(["\uD800", "\uDFFF"]);
    const whole = await e.chat.completions.create({ model: "fake-1", messages: user("x") });
    expect(whole.choices[0]?.message.content).toBe(reply);
  });

  test("over OpenAI's REST protocol (engine.fetch, SSE bytes) too", async () => {
    const e = await engine({ splitUnits: true, fake: { reply } });
    const res = await e.fetch("http://localhost/v1/chat/completions", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "fake-1", messages: user("x"), stream: true }),
    });
    const raw = await res.text();
    expect(raw).not.toContain("\uFFFD");
    const content = raw
      .split("\n\n")
      .filter((l) => l.startsWith("data: {"))
      .map((l) => (JSON.parse(l.slice(6)) as ChatCompletionChunk).choices[0]?.delta.content ?? "")
      .join("");
    expect(content).toBe(reply);
  });

  test("lone surrogates and other odd text in the prompt are taken and counted", async () => {
    const e = await engine();
    const odd = "\uD800x\uDFFF 👩‍👩‍👧 \u202Eevil\u202C \u0000 \uFEFF";
    const r = await e.chat.completions.create({ model: "fake-1", messages: user(odd), max_tokens: 2 });
    expect(r.usage?.prompt_tokens).toBe(tokenize(odd).length + 3);
  });
});

describe("max_tokens: 1", () => {
  test("one token, finish_reason length, streamed and not", async () => {
    const e = await engine({ fake: { reply: "😀 and more" } });
    const r = await e.chat.completions.create({ model: "fake-1", messages: user("x"), max_tokens: 1 });
    expect(r.choices[0]).toMatchObject({ finish_reason: "length", message: { content: "😀" } });
    expect(r.usage?.completion_tokens).toBe(1);
    const chunks = await collect(await e.chat.completions.create({ model: "fake-1", messages: user("x"), max_tokens: 1, stream: true, stream_options: { include_usage: true } }));
    for (const c of chunks) expect(schemaErrors("CreateChatCompletionStreamResponse", c)).toBeNull();
    expect(joined(chunks)).toBe("😀");
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe("length");
    expect(chunks.at(-1)?.usage?.completion_tokens).toBe(1);
  });
});

describe("stop sequences that overlap each other and the chunk boundaries", () => {
  const reply = "xxabcabcdab😀ca end";
  const cases: string[][] = [
    ["abcd", "c"],
    ["bca", "cab", "abcd"],
    ["d", "abcd"],
    ["😀c", "b😀"],
    ["end", "nd"],
    ["zzz"],
  ];
  test.each(cases)("stop %j cuts where it first completes, split by code unit or not", async (...stop) => {
    const expected = cutAtStop(reply, stop).content;
    for (const splitUnits of [false, true]) {
      const e = await engine({ splitUnits, fake: { reply } });
      const whole = await e.chat.completions.create({ model: "fake-1", messages: user("x"), stop });
      expect(whole.choices[0]?.message.content).toBe(expected);
      expect(whole.choices[0]?.finish_reason).toBe("stop");
      const chunks = await collect(await e.chat.completions.create({ model: "fake-1", messages: user("x"), stop, stream: true }));
      expect(joined(chunks)).toBe(expected);
    }
  });
});
