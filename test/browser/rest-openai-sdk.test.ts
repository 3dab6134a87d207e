// The official `openai` SDK (6.x), unchanged, on pagellm through `engine.fetch`: the fake backend
// in a real module Worker, real Chromium. Every body the SDK receives here is also checked
// against OpenAI's schemas (validatingFetch).
import OpenAI from "openai";
import { afterAll, afterEach, describe, expect, test } from "vitest";
import type { ChatCompletionChunk, ChatCompletionCreateParamsNonStreaming, Engine } from "../../src/index.js";
import { fakeEngine } from "./harness.js";
import { countingFetch, validatingFetch } from "./rest-support.js";

const engines: Engine[] = [];
const open = async (...args: Parameters<typeof fakeEngine>): Promise<Engine> => {
  const e = await fakeEngine(...args);
  engines.push(e);
  return e;
};
afterAll(() => engines.forEach((e) => e.close()));

/** An SDK client on `fetch`, configured as the README says. */
const sdk = (fetch: typeof globalThis.fetch, options: Partial<ConstructorParameters<typeof OpenAI>[0]> = {}): OpenAI =>
  new OpenAI({ apiKey: "local", baseURL: "http://localhost/v1", fetch, dangerouslyAllowBrowser: true, ...options });

// Two engines with identical histories: the SDK talks to `viaRest`, the same requests go to
// `direct` through the engine's own API. (The fake reuses its KV cache like a real engine, so
// the same request on one engine twice would differ in `cached_tokens`.)
const viaRest = await open({ models: ["fake-1", "fake-2"] });
const direct = await open({ models: ["fake-1", "fake-2"] });
const checked = validatingFetch(viaRest.fetch);
const client = sdk(checked);
afterEach(async () => {
  await checked.settle();
});

const stats = (e: Engine) => e.stats();
const request: Omit<ChatCompletionCreateParamsNonStreaming, "stream"> = {
  model: "fake-1",
  messages: [{ role: "user", content: "Tell me about Bern." }],
  seed: 42,
  max_tokens: 40,
};
const withoutIds = <T extends { id: string; created: number }>({ id: _id, created: _created, ...rest }: T) => rest;

test("the README example, as written", async () => {
  // docs/rest.md, with the fake backend's worker in place of `new Worker(...)`.
  const engine = await open({ models: ["Qwen2.5-0.5B-Instruct-q4f16_1-MLC"], reply: "Bonjour !" });
  const client = new OpenAI({ apiKey: "local", baseURL: "http://localhost/v1", fetch: engine.fetch, dangerouslyAllowBrowser: true });

  const reply = await client.chat.completions.create({
    model: "Qwen2.5-0.5B-Instruct-q4f16_1-MLC",
    messages: [{ role: "user", content: "Say hello in French." }],
    max_tokens: 20,
  });
  expect(reply.choices[0]?.message.content).toBe("Bonjour !");

  const stream = await client.chat.completions.create({
    model: "Qwen2.5-0.5B-Instruct-q4f16_1-MLC",
    messages: [{ role: "user", content: "Count to five." }],
    stream: true,
  });
  let text = "";
  for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
  expect(text).toBe("Bonjour !");
});

describe("chat.completions through the SDK equal the engine's own", () => {
  test("create, not streamed", async () => {
    const viaSdk = await client.chat.completions.create(request);
    const own = await direct.chat.completions.create(request);
    expect(viaSdk.id).toMatch(/^chatcmpl-/);
    expect(viaSdk.choices[0]?.message.content).toBeTruthy();
    expect(withoutIds(viaSdk as never)).toEqual(withoutIds(own));
  });

  test("create, streamed, with usage", async () => {
    const body = { ...request, messages: [{ role: "user" as const, content: "And Zürich?" }], stream: true as const, stream_options: { include_usage: true } };
    const viaSdk: unknown[] = [];
    for await (const chunk of await client.chat.completions.create(body)) viaSdk.push(chunk);
    const own: ChatCompletionChunk[] = [];
    for await (const chunk of await direct.chat.completions.create(body)) own.push(chunk);
    expect(viaSdk.length).toBeGreaterThan(3);
    expect(viaSdk.map((c) => withoutIds(c as ChatCompletionChunk))).toEqual(own.map(withoutIds));
    expect((own.at(-1) as ChatCompletionChunk).usage?.total_tokens).toBeGreaterThan(0);
  });

  test("stream() with its events and finalChatCompletion()", async () => {
    const body = { ...request, messages: [{ role: "user" as const, content: "And Basel?" }] };
    const runner = client.chat.completions.stream(body);
    let deltas = "";
    runner.on("content", (delta) => (deltas += delta));
    const final = await runner.finalChatCompletion();
    const own = await direct.chat.completions.create(body);
    expect(final.choices[0]?.message.content).toBe(own.choices[0]?.message.content);
    expect(deltas).toBe(own.choices[0]?.message.content);
    expect(final.choices[0]?.finish_reason).toBe(own.choices[0]?.finish_reason);
  });
});

test(".withResponse() shows pagellm's headers", async () => {
  const { data, response, request_id } = await client.chat.completions.create({ ...request, seed: 7 }).withResponse();
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toBe("application/json");
  expect(response.headers.get("x-request-id")).toBe(data.id);
  expect(request_id).toBe(data.id);
  expect(Number(response.headers.get("openai-processing-ms"))).toBeGreaterThanOrEqual(0);
  const streamed = await client.chat.completions.create({ ...request, seed: 7, stream: true }).withResponse();
  expect(streamed.response.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
  const ids = new Set<string>();
  for await (const chunk of streamed.data) ids.add(chunk.id);
  expect([...ids]).toEqual([streamed.request_id]);
});

test("models.list() and models.retrieve()", async () => {
  const ids: string[] = [];
  for await (const model of client.models.list()) ids.push(model.id);
  expect(ids).toEqual(["fake-1", "fake-2"]);
  const model = await client.models.retrieve("fake-2");
  expect(model).toMatchObject({ id: "fake-2", object: "model", owned_by: "pagellm-fake" });
});

describe("typed errors", () => {
  test("BadRequestError names the param", async () => {
    const err = await client.chat.completions.create({ ...request, temperature: 7 }).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect(err).toMatchObject({ status: 400, param: "temperature", type: "invalid_request_error" });
    expect(err.message).toContain("temperature");
  });

  test("NotFoundError for an unknown model, in create and in retrieve", async () => {
    const err = await client.chat.completions.create({ ...request, model: "gpt-4o" }).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.NotFoundError);
    expect(err).toMatchObject({ status: 404, param: "model", code: "model_not_found" });
    expect(await client.models.retrieve("gpt-4o").catch((e) => e)).toBeInstanceOf(OpenAI.NotFoundError);
  });

  test("x-should-retry: false keeps the SDK's default retries from resending a failed request", async () => {
    // Not in `engines`: closing an engine twice throws (comlink's releaseProxy), see the report.
    const closed = await fakeEngine();
    closed.close();
    // With the default maxRetries (2), a 503 would be sent three times; our header stops that.
    const counted = countingFetch(closed.fetch);
    const err = await sdk(counted).chat.completions.create(request).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.InternalServerError);
    expect(err.status).toBe(503);
    expect(counted.calls).toHaveLength(1);
    const live = countingFetch(viaRest.fetch);
    const bad = await sdk(live).chat.completions.create({ ...request, top_p: 3 }).catch((e) => e);
    expect(bad).toBeInstanceOf(OpenAI.BadRequestError);
    expect(live.calls).toHaveLength(1);
    // The control: the same 503 without the header is retried, so the count above means something.
    const stripped = countingFetch(async (input, init) => {
      const res = await closed.fetch(input, init);
      const headers = new Headers(res.headers);
      headers.delete("x-should-retry");
      return new Response(res.body, { status: res.status, headers });
    });
    await sdk(stripped, { maxRetries: 1 }).chat.completions.create(request).catch(() => {});
    expect(stripped.calls).toHaveLength(2);
  });
});

test("an error mid-stream reaches the SDK as an APIError", async () => {
  const dying = await fakeEngine({ tokensPerSecond: 100 });
  const stream = await sdk(dying.fetch).chat.completions.create({ model: "fake-1", messages: request.messages, max_tokens: 2000, stream: true });
  let seen = 0;
  const err = await (async () => {
    for await (const _chunk of stream) if (++seen === 2) dying.close();
  })().catch((e) => e);
  expect(err).toBeInstanceOf(OpenAI.APIError);
  expect(err.error).toMatchObject({ type: "server_error", code: "engine_closed" });
});

describe("aborts", () => {
  test("stream.controller.abort() mid-stream: APIUserAbortError from stream(), and the worker is healthy", async () => {
    const slow = await open({ tokensPerSecond: 100 });
    const runner = sdk(slow.fetch).chat.completions.stream({ model: "fake-1", messages: request.messages, max_tokens: 2000 });
    let seen = 0;
    runner.on("content", () => {
      if (++seen === 3) runner.controller.abort();
    });
    const err = await runner.finalChatCompletion().catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.APIUserAbortError);
    expect(runner.aborted).toBe(true);
    await expect.poll(() => stats(slow)).toMatchObject({ running: 0, openPorts: 0, queued: 0 });
    const after = await sdk(slow.fetch).chat.completions.create({ ...request, max_tokens: 2 });
    expect(after.choices[0]?.finish_reason).toBe("length");
  });

  test("stream.controller.abort() on create({ stream: true }) ends the loop, as the SDK documents, and stops the worker", async () => {
    const slow = await open({ tokensPerSecond: 100 });
    const stream = await sdk(slow.fetch).chat.completions.create({ model: "fake-1", messages: request.messages, max_tokens: 2000, stream: true });
    let seen = 0;
    for await (const _chunk of stream) if (++seen === 3) stream.controller.abort();
    expect(seen).toBe(3);
    await expect.poll(() => stats(slow)).toMatchObject({ running: 0, openPorts: 0 });
  });

  test("a signal aborted before the response: APIUserAbortError", async () => {
    const slow = await open({ tokensPerSecond: 100 });
    const ctrl = new AbortController();
    const pending = sdk(slow.fetch).chat.completions.create({ ...request, max_tokens: 2000 }, { signal: ctrl.signal });
    await expect.poll(() => stats(slow).then((s) => s.running)).toBe(1);
    ctrl.abort();
    expect(await pending.catch((e) => e)).toBeInstanceOf(OpenAI.APIUserAbortError);
    await expect.poll(() => stats(slow)).toMatchObject({ running: 0, openPorts: 0 });
  });
});

describe("a tool-call round trip", () => {
  const toolCall = '<tool_call>\n{"name": "get_weather", "arguments": {"city": "Bern"}}\n</tool_call>';
  const tools: OpenAI.Chat.ChatCompletionTool[] = [
    {
      type: "function",
      function: {
        name: "get_weather",
        description: "The current weather in a city.",
        parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
      },
    },
  ];

  async function roundTrip(stream: boolean): Promise<void> {
    const agent = await open({ reply: [toolCall, "It is 21 °C and sunny in Bern."] });
    const tap = validatingFetch(agent.fetch);
    const ai = sdk(tap);
    const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [{ role: "user", content: "What is the weather in Bern?" }];
    const first = stream
      ? await ai.chat.completions.stream({ model: "fake-1", messages, tools }).finalChatCompletion()
      : await ai.chat.completions.create({ model: "fake-1", messages, tools });
    const choice = first.choices[0]!;
    expect(choice.finish_reason).toBe("tool_calls");
    const call = choice.message.tool_calls?.[0];
    expect(call?.type).toBe("function");
    if (call?.type !== "function") throw new Error("no function call");
    expect(call.id).toBeTruthy();
    expect(call.function.name).toBe("get_weather");
    expect(JSON.parse(call.function.arguments)).toEqual({ city: "Bern" });

    messages.push(choice.message, { role: "tool", tool_call_id: call.id, content: JSON.stringify({ temperature_c: 21, sky: "sunny" }) });
    const final = await ai.chat.completions.create({ model: "fake-1", messages, tools });
    expect(final.choices[0]?.finish_reason).toBe("stop");
    expect(final.choices[0]?.message.content).toBe("It is 21 °C and sunny in Bern.");
    expect(await tap.settle()).toBe(2);
  }

  test("with create()", () => roundTrip(false));
  test("with stream() and finalChatCompletion()", () => roundTrip(true));
});
