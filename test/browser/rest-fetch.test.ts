// engine.fetch on its own, as any fetch-based client sees it: routes, headers, exact SSE framing,
// error bodies and statuses, body limits, and aborts before and during the response.
import { afterAll, describe, expect, test } from "vitest";
import { commands } from "vitest/browser";
import type { ChatCompletion, ChatCompletionChunk, Engine } from "../../src/index.js";
import { fakeEngine } from "./harness.js";
import { expectSchema, sseEvents } from "./rest-support.js";

const engine = await fakeEngine({ models: ["fake-1", "fake-2"], reply: "Hello from the REST adapter." });
const slow = await fakeEngine({ tokensPerSecond: 200 });
afterAll(() => {
  engine.close();
  slow.close();
});

const messages = [{ role: "user", content: "hi" }];
const post = (e: Engine, url: string, body: unknown, init: RequestInit = {}): Promise<Response> =>
  e.fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body), ...init });
const stats = (e: Engine) => e.stats();

async function expectError(res: Response, status: number, fields: { type?: string; param?: string | null; code?: string | null }) {
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toBe("application/json");
  expect(res.headers.get("x-should-retry")).toBe("false");
  const body = (await res.json()) as { error: Record<string, unknown> };
  await expectSchema("ErrorResponse", body);
  expect(Object.keys(body.error).sort()).toEqual(["code", "message", "param", "type"]);
  expect(typeof body.error.message).toBe("string");
  for (const [key, value] of Object.entries(fields)) expect(body.error[key]).toBe(value);
  return body.error;
}

test("the schema check is live: it rejects what is not OpenAI's shape", async () => {
  expect(await commands.validateSchema("CreateChatCompletionResponse", { id: "x" })).not.toBeNull();
  expect(await commands.validateSchema("ErrorResponse", { error: { message: "m", type: "t", param: null, code: null } })).toBeNull();
});

describe("POST /v1/chat/completions", () => {
  test("answers JSON with x-request-id set to the completion id", async () => {
    const res = await post(engine, "http://localhost/v1/chat/completions", { model: "fake-1", messages });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(Number(res.headers.get("openai-processing-ms"))).toBeGreaterThanOrEqual(0);
    const body = (await res.json()) as ChatCompletion;
    await expectSchema("CreateChatCompletionResponse", body);
    expect(res.headers.get("x-request-id")).toBe(body.id);
    expect(body.id).toMatch(/^chatcmpl-/);
    expect(body.choices[0]?.message.content).toBe("Hello from the REST adapter.");
  });

  test("streams exact SSE: data events, usage before [DONE], and nothing after it", async () => {
    const res = await post(engine, "http://localhost/v1/chat/completions", {
      model: "fake-1",
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    expect(res.headers.get("cache-control")).toBe("no-cache");
    const text = await res.text();
    expect(text.endsWith("\n\ndata: [DONE]\n\n")).toBe(true);
    const events = sseEvents(text);
    expect(events.at(-1)).toBe("[DONE]");
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e) as ChatCompletionChunk);
    for (const c of chunks) await expectSchema("CreateChatCompletionStreamResponse", c);
    expect(new Set(chunks.map((c) => c.id))).toEqual(new Set([res.headers.get("x-request-id")]));
    expect(chunks[0]?.choices[0]?.delta.role).toBe("assistant");
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? "").join("")).toBe("Hello from the REST adapter.");
    const usage = chunks.at(-1)!;
    expect(usage.choices).toEqual([]);
    expect(usage.usage?.total_tokens).toBeGreaterThan(0);
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe("stop");
  });

  test("matches the path's tail under any baseURL, and takes a Request as input", async () => {
    for (const url of ["http://localhost/v1/chat/completions", "/pagellm/v1/chat/completions", "https://api.openai.com/v1/chat/completions", "/chat/completions/?x=1"]) {
      const res = await post(engine, url, { model: "fake-1", messages });
      expect(res.status, url).toBe(200);
    }
    const req = new Request("http://example.test/api/v1/chat/completions", { method: "POST", body: JSON.stringify({ model: "fake-1", messages }) });
    expect((await engine.fetch(req)).status).toBe(200);
  });

  test("a body that is not JSON is a 400, an empty one too", async () => {
    await expectError(await engine.fetch("/v1/chat/completions", { method: "POST", body: "{model: fake" }), 400, { type: "invalid_request_error", param: null });
    await expectError(await engine.fetch("/v1/chat/completions", { method: "POST" }), 400, { type: "invalid_request_error" });
  });

  test("a body over the limit is a 413, without reading it all", async () => {
    const huge = JSON.stringify({ model: "fake-1", messages: [{ role: "user", content: "x".repeat(5 * 1024 * 1024) }] });
    await expectError(await engine.fetch("/v1/chat/completions", { method: "POST", body: huge }), 413, { code: "request_too_large" });
  });

  test("an invalid request is a 400 naming the param; an unknown model a 404", async () => {
    await expectError(await post(engine, "/v1/chat/completions", { model: "fake-1", messages, temperature: 7 }), 400, {
      type: "invalid_request_error",
      param: "temperature",
    });
    await expectError(await post(engine, "/v1/chat/completions", { model: "nope", messages }), 404, { param: "model", code: "model_not_found" });
    // A streamed request fails the same way, before any SSE starts.
    await expectError(await post(engine, "/v1/chat/completions", { model: "nope", messages, stream: true }), 404, { code: "model_not_found" });
  });
});

describe("models", () => {
  test("GET /v1/models and /v1/models/{id} return OpenAI's list and model objects", async () => {
    const list = await engine.fetch("http://localhost/v1/models");
    expect(list.status).toBe(200);
    expect(list.headers.get("x-request-id")).toMatch(/^req_/);
    const body = await list.json();
    await expectSchema("ListModelsResponse", body);
    expect(body.data.map((m: { id: string }) => m.id)).toEqual(["fake-1", "fake-2"]);
    const one = await engine.fetch("http://localhost/v1/models/fake-2");
    const model = await one.json();
    await expectSchema("Model", model);
    expect(model).toMatchObject({ id: "fake-2", object: "model" });
    await expectError(await engine.fetch("http://localhost/v1/models/nope"), 404, { code: "model_not_found" });
  });
});

describe("other routes", () => {
  test("an unknown path is a 404, a known path with the wrong method a 405 with Allow", async () => {
    await expectError(await engine.fetch("http://localhost/v1/embeddings", { method: "POST", body: "{}" }), 404, { code: "unknown_url" });
    await expectError(await engine.fetch("http://localhost/v1/chat/completions/chatcmpl-1"), 404, { code: "unknown_url" });
    const wrong = await engine.fetch("http://localhost/v1/chat/completions");
    expect(wrong.headers.get("allow")).toBe("POST");
    await expectError(wrong, 405, { code: "method_not_allowed" });
    // DELETE /v1/models/{id} is served (models.delete); another method is not.
    const put = await engine.fetch("http://localhost/v1/models/fake-1", { method: "PUT", body: "{}" });
    expect(put.headers.get("allow")).toBe("GET, DELETE");
    await expectError(put, 405, { code: "method_not_allowed" });
  });

  test("an error mid-stream is sent as an error event, and the stream ends without [DONE]", async () => {
    // Not closed in afterAll: closing an engine twice throws (comlink's releaseProxy).
    const dying = await fakeEngine({ tokensPerSecond: 100 });
    const res = await post(dying, "/v1/chat/completions", { model: "fake-1", messages, stream: true, max_tokens: 2000 });
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = decoder.decode((await reader.read()).value, { stream: true });
    dying.close();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    const events = sseEvents(text);
    expect(events).not.toContain("[DONE]");
    const last = JSON.parse(events.at(-1)!);
    await expectSchema("ErrorResponse", last);
    expect(last.error).toMatchObject({ type: "server_error", code: "engine_closed" });
  });

  test("a closed engine answers 503", async () => {
    const closed = await fakeEngine();
    closed.close();
    await expectError(await post(closed, "/v1/chat/completions", { model: "fake-1", messages }), 503, { type: "server_error" });
  });
});

describe("aborts", () => {
  test("an already aborted signal rejects with an AbortError", async () => {
    const ctrl = new AbortController();
    ctrl.abort();
    const err = await post(slow, "/v1/chat/completions", { model: "fake-1", messages }, { signal: ctrl.signal }).catch((e) => e);
    expect(err).toBeInstanceOf(DOMException);
    expect(err.name).toBe("AbortError");
  });

  test("an abort before the response rejects with an AbortError and stops the worker", async () => {
    const ctrl = new AbortController();
    const pending = post(slow, "/v1/chat/completions", { model: "fake-1", messages, max_tokens: 2000 }, { signal: ctrl.signal });
    // Wait until the worker is really generating (a busy machine may take a while to get there).
    await expect.poll(async () => (await stats(slow)).running, { timeout: 10_000 }).toBe(1);
    ctrl.abort();
    const err = await pending.catch((e) => e);
    expect(err).toBeInstanceOf(DOMException);
    expect(err.name).toBe("AbortError");
    await expect.poll(() => stats(slow)).toMatchObject({ running: 0, openPorts: 0, queued: 0 });
  });

  test("an abort mid-stream errors the body with an AbortError and stops the worker", async () => {
    const ctrl = new AbortController();
    const res = await post(slow, "/v1/chat/completions", { model: "fake-1", messages, stream: true, max_tokens: 2000 }, { signal: ctrl.signal });
    const reader = res.body!.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toMatch(/^data: \{/);
    ctrl.abort();
    const err = await reader.read().catch((e) => e);
    expect(err).toBeInstanceOf(DOMException);
    expect(err.name).toBe("AbortError");
    await expect.poll(() => stats(slow)).toMatchObject({ running: 0, openPorts: 0 });
    // The worker is healthy afterwards.
    const again = await post(slow, "/v1/chat/completions", { model: "fake-1", messages, max_tokens: 3 });
    expect(((await again.json()) as ChatCompletion).choices[0]?.finish_reason).toBe("length");
  });

  test("cancelling the body stops the worker", async () => {
    const res = await post(slow, "/v1/chat/completions", { model: "fake-1", messages, stream: true, max_tokens: 2000 });
    const reader = res.body!.getReader();
    await reader.read();
    await reader.cancel();
    await expect.poll(() => stats(slow)).toMatchObject({ running: 0, openPorts: 0 });
  });
});
