// The service-worker route: a plain fetch("/pagellm/v1/...") from the page, or the official SDK
// given only a baseURL, answered by this page's engine through a real service worker and a
// MessageChannel. No engine runs in the service worker.
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { serveOverServiceWorker, UsageError, type ChatCompletion } from "../../src/index.js";
import { fakeEngine } from "./harness.js";
import { expectSchema, sseEvents, validatingFetch } from "./rest-support.js";

const engine = await fakeEngine({ models: ["fake-1"], reply: "Served by the page's engine." });
const slow = await fakeEngine({ tokensPerSecond: 100 });
let registration: ServiceWorkerRegistration;

beforeAll(async () => {
  registration = await navigator.serviceWorker.register("/test/browser/fixtures/sw.ts", { type: "module", scope: "/" });
  await navigator.serviceWorker.ready;
  if (!navigator.serviceWorker.controller) {
    await new Promise((resolve) => navigator.serviceWorker.addEventListener("controllerchange", resolve, { once: true }));
  }
});
afterAll(async () => {
  await registration?.unregister();
  engine.close();
  slow.close();
});

const messages = [{ role: "user", content: "hi" }];
const post = (body: unknown, init: RequestInit = {}): Promise<Response> =>
  fetch("/pagellm/v1/chat/completions", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body), ...init });
const stats = () => slow.stats();

async function expect503(res: Response): Promise<void> {
  expect(res.status).toBe(503);
  expect(res.headers.get("x-should-retry")).toBe("false");
  const body = await res.json();
  await expectSchema("ErrorResponse", body);
  expect(body.error).toMatchObject({ type: "server_error", code: "no_engine_page" });
  expect(body.error.message).toContain("serveOverServiceWorker");
}

test("with no page serving an engine, the route answers 503 with a clear message", async () => {
  await expect503(await fetch("/pagellm/v1/models"));
  await expect503(await post({ model: "fake-1", messages }));
});

test("a page that claims an engine but does not answer is skipped, not waited on", async () => {
  // As if this page had announced itself and then stopped before its `engine-gone` arrived.
  navigator.serviceWorker.controller!.postMessage({ pagellm: "engine-ready" });
  await expect503(await post({ model: "fake-1", messages }));
});

describe("with this page serving its engine", () => {
  let stop: () => void;
  beforeAll(() => {
    stop = serveOverServiceWorker(engine);
  });
  afterAll(() => stop());

  test("a page serves one engine at a time", () => {
    expect(() => serveOverServiceWorker(slow)).toThrow(/already serves an engine/);
    expect(() => serveOverServiceWorker(slow)).toThrow(UsageError);
  });

  test("a plain fetch gets JSON, with pagellm's headers", async () => {
    const res = await post({ model: "fake-1", messages });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json");
    const body = (await res.json()) as ChatCompletion;
    await expectSchema("CreateChatCompletionResponse", body);
    expect(res.headers.get("x-request-id")).toBe(body.id);
    expect(body.choices[0]?.message.content).toBe("Served by the page's engine.");
  });

  test("a plain fetch gets exact SSE", async () => {
    const res = await post({ model: "fake-1", messages, stream: true, stream_options: { include_usage: true } });
    expect(res.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    const events = sseEvents(await res.text());
    expect(events.at(-1)).toBe("[DONE]");
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e));
    for (const c of chunks) await expectSchema("CreateChatCompletionStreamResponse", c);
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? "").join("")).toBe("Served by the page's engine.");
    expect(chunks.at(-1).usage.total_tokens).toBeGreaterThan(0);
  });

  test("models and errors pass through unchanged", async () => {
    const list = await fetch("/pagellm/v1/models");
    await expectSchema("ListModelsResponse", await list.json());
    const bad = await fetch("/pagellm/v1/chat/completions", { method: "POST", body: "not json" });
    expect(bad.status).toBe(400);
    expect(bad.headers.get("x-should-retry")).toBe("false");
    await expectSchema("ErrorResponse", await bad.json());
  });

  test("the official SDK given only a baseURL", async () => {
    // No custom fetch: the SDK uses the page's own fetch, which the service worker answers.
    const client = new OpenAI({ apiKey: "local", baseURL: `${location.origin}/pagellm/v1`, dangerouslyAllowBrowser: true });
    const reply = await client.chat.completions.create({ model: "fake-1", messages: [{ role: "user", content: "hi" }] });
    expect(reply.choices[0]?.message.content).toBe("Served by the page's engine.");
    let text = "";
    for await (const chunk of await client.chat.completions.create({ model: "fake-1", messages: [{ role: "user", content: "hi" }], stream: true })) {
      text += chunk.choices[0]?.delta.content ?? "";
    }
    expect(text).toBe("Served by the page's engine.");
    const ids: string[] = [];
    for await (const m of client.models.list()) ids.push(m.id);
    expect(ids).toEqual(["fake-1"]);
    const err = await client.chat.completions.create({ model: "nope", messages: [{ role: "user", content: "hi" }] }).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.NotFoundError);
  });

  test("the Responses API goes through the route unchanged", async () => {
    // Here rather than in a file of its own: service-worker test files would share the one
    // registration of scope "/" while vitest runs them side by side.
    const client = new OpenAI({ apiKey: "local", baseURL: `${location.origin}/pagellm/v1`, dangerouslyAllowBrowser: true });
    const r = await client.responses.create({ model: "fake-1", input: "hi" });
    expect(r.output_text).toBe("Served by the page's engine.");
    const types: string[] = [];
    for await (const e of await client.responses.create({ model: "fake-1", input: "hi", stream: true, previous_response_id: r.id })) types.push(e.type);
    expect([types[0], types.at(-1)]).toEqual(["response.created", "response.completed"]);
    expect((await client.responses.retrieve(r.id)).output_text).toBe(r.output_text);
    expect((await client.responses.inputItems.list(r.id, { limit: 5 })).data).toHaveLength(1);
    await client.responses.delete(r.id);
    await expect(client.responses.retrieve(r.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });

  test("every body through the route validates (checked on a clone)", async () => {
    const tap = validatingFetch(fetch);
    const client = new OpenAI({ apiKey: "local", baseURL: `${location.origin}/pagellm/v1`, fetch: tap, dangerouslyAllowBrowser: true });
    await client.chat.completions.create({ model: "fake-1", messages: [{ role: "user", content: "hi" }] });
    for await (const _ of await client.chat.completions.create({ model: "fake-1", messages: [{ role: "user", content: "hi" }], stream: true }));
    await client.models.retrieve("fake-1");
    expect(await tap.settle()).toBe(3);
  });
});

describe("aborts through the route", () => {
  let stop: () => void;
  beforeAll(() => {
    stop = serveOverServiceWorker(slow);
  });
  afterAll(() => stop());

  test("an abort mid-stream reaches the page's engine and stops its worker", async () => {
    const ctrl = new AbortController();
    const res = await post({ model: "fake-1", messages, stream: true, max_tokens: 2000 }, { signal: ctrl.signal });
    const reader = res.body!.getReader();
    await reader.read();
    await expect.poll(() => stats().then((s) => s.running)).toBe(1);
    ctrl.abort();
    const err = await reader.read().catch((e) => e);
    expect(err.name).toBe("AbortError");
    await expect.poll(() => stats()).toMatchObject({ running: 0, openPorts: 0 });
  });

  test("stop() ends serving: the route answers 503 again", async () => {
    stop();
    await expect503(await post({ model: "fake-1", messages }));
  });
});
