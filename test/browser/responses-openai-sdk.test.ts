// The official `openai` SDK (6.x), unchanged, on pagellm's Responses API through `engine.fetch`:
// the fake backend in a real module Worker, the IndexedDB store, real Chromium. Every body the
// SDK receives is also checked against OpenAI's Responses schemas (validatingResponsesFetch).
import OpenAI from "openai";
import { afterAll, afterEach, expect, test } from "vitest";
import type { Engine } from "../../src/index.js";
import { freshDb, responsesEngine, sseFrames, validatingResponsesFetch, type ResponsesWorkerOptions } from "./responses-support.js";

const dbName = freshDb("openai-sdk");
const engines: Engine[] = [];
const checks: ReturnType<typeof validatingResponsesFetch>[] = [];
afterAll(() => engines.forEach((e) => e.close()));
afterEach(async () => {
  for (const c of checks.splice(0)) await c.settle();
});

/**
 * An engine of its own (so that each test's scripted replies come in order) and an SDK client on
 * it, checked against the schemas unless `unchecked` (a test that cancels a body: the check's
 * clone would keep reading).
 */
async function setup(fake: ResponsesWorkerOptions["fake"] = {}, unchecked = false): Promise<{ engine: Engine; client: OpenAI }> {
  const engine = await responsesEngine({ dbName, fake });
  engines.push(engine);
  let fetch = engine.fetch;
  if (!unchecked) {
    const checked = validatingResponsesFetch(engine.fetch);
    checks.push(checked);
    fetch = checked;
  }
  return { engine, client: new OpenAI({ apiKey: "local", baseURL: "http://localhost/v1", fetch, dangerouslyAllowBrowser: true, maxRetries: 0 }) };
}

const model = "Qwen2.5-0.5B-Instruct-q4f16_1-MLC";
const weather = {
  type: "function" as const,
  name: "get_weather",
  description: "The weather in a city",
  parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"], additionalProperties: false },
  strict: true,
};

test("create with string input, with item input, and with instructions", async () => {
  const { client } = await setup({ models: [model], reply: ["Bonjour !", "Two items read.", "Brief."] });
  const a = await client.responses.create({ model, input: "Say hello in French." });
  expect(a.output_text).toBe("Bonjour !");
  expect(a.id).toMatch(/^resp_/);
  expect(a.status).toBe("completed");
  const b = await client.responses.create({
    model,
    input: [
      { role: "user", content: "First." },
      { type: "message", role: "user", content: [{ type: "input_text", text: "Second." }] },
    ],
  });
  expect(b.output_text).toBe("Two items read.");
  const c = await client.responses.create({ model, instructions: "Answer in one word.", input: "How are you?" });
  expect(c.output_text).toBe("Brief.");
  expect(c.instructions).toBe("Answer in one word.");
  // The instructions are a system message of their own: they count as input tokens.
  expect(c.usage?.input_tokens).toBeGreaterThan(a.usage?.input_tokens ?? 0);
});

test("responses.stream() with its helpers, and finalResponse()", async () => {
  const { client } = await setup({ models: [model], reply: "Streaming through the helpers." });
  const stream = client.responses.stream({ model, input: "Stream something." });
  let text = "";
  const types: string[] = [];
  stream.on("response.output_text.delta", (e) => (text += e.delta));
  stream.on("event", (e) => types.push(e.type));
  const final = await stream.finalResponse();
  expect(text).toBe("Streaming through the helpers.");
  expect(final.output_text).toBe(text);
  expect(final.status).toBe("completed");
  expect(types[0]).toBe("response.created");
  expect(types.at(-1)).toBe("response.completed");
});

test("a function-tool round trip with function_call_output", async () => {
  const { client } = await setup({
    models: [model],
    reply: ['<tool_call>\n{"name": "get_weather", "arguments": {"city": "Paris"}}\n</tool_call>', "It is sunny in Paris."],
  });
  const first = await client.responses.create({ model, input: "What is the weather in Paris?", tools: [weather] });
  const call = first.output.find((o) => o.type === "function_call");
  if (call?.type !== "function_call") throw new Error(`no call in ${JSON.stringify(first.output)}`);
  expect(call).toMatchObject({ name: "get_weather", arguments: '{"city":"Paris"}', status: "completed" });
  expect(call.id).toMatch(/^fc_/);
  // Sent back as the SDK's docs do it: the earlier output, then the result, in the input.
  const second = await client.responses.create({
    model,
    tools: [weather],
    input: [
      { role: "user", content: "What is the weather in Paris?" },
      ...(first.output as OpenAI.Responses.ResponseInputItem[]),
      { type: "function_call_output", call_id: call.call_id, output: '{"sky":"sunny"}' },
    ],
  });
  expect(second.output_text).toBe("It is sunny in Paris.");
});

test("text.format json_schema", async () => {
  const { client } = await setup({ models: [model] });
  const r = await client.responses.create({
    model,
    input: "A city and its population.",
    text: {
      format: {
        type: "json_schema",
        name: "city",
        strict: true,
        schema: { type: "object", properties: { name: { type: "string" }, population: { type: "integer" } }, required: ["name", "population"], additionalProperties: false },
      },
    },
  });
  const parsed = JSON.parse(r.output_text) as { name: unknown; population: unknown };
  expect(typeof parsed.name).toBe("string");
  expect(Number.isInteger(parsed.population)).toBe(true);
  expect(r.text?.format).toMatchObject({ type: "json_schema", name: "city" });
});

test("previous_response_id over three turns, with cached_tokens from turn 2", async () => {
  const { client } = await setup({ models: [model], reply: ["Nice to meet you, Ada.", "You are Ada.", "Still Ada."] });
  const one = await client.responses.create({ model, input: "My name is Ada." });
  const two = await client.responses.create({ model, input: "What is my name?", previous_response_id: one.id });
  const three = await client.responses.create({ model, input: "And now?", previous_response_id: two.id });
  expect([one, two, three].map((r) => r.output_text)).toEqual(["Nice to meet you, Ada.", "You are Ada.", "Still Ada."]);
  expect(one.usage?.input_tokens_details.cached_tokens).toBe(0);
  expect(two.usage?.input_tokens_details.cached_tokens).toBeGreaterThan(0);
  expect(three.usage?.input_tokens_details.cached_tokens).toBeGreaterThan(two.usage?.input_tokens_details.cached_tokens ?? 0);
  // The whole chain is in the prompt: turn 3 counts turn 2's prompt and reply and then some.
  expect(three.usage?.input_tokens).toBeGreaterThan((two.usage?.input_tokens ?? 0) + (two.usage?.output_tokens ?? 0));
});

test("retrieve, delete, then a 404", async () => {
  const { client } = await setup({ models: [model], reply: "Keep this." });
  const r = await client.responses.create({ model, input: "Store this." });
  const read = await client.responses.retrieve(r.id);
  expect(read.output_text).toBe("Keep this.");
  expect(read.id).toBe(r.id);
  await client.responses.delete(r.id);
  const err = await client.responses.retrieve(r.id).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(OpenAI.NotFoundError);
  expect(err).toMatchObject({ status: 404, message: expect.stringContaining(`Response with id '${r.id}' not found.`) });
  await expect(client.responses.delete(r.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
});

test("inputItems.list, paged the SDK's way", async () => {
  const { client } = await setup({ models: [model], reply: "Listed." });
  const r = await client.responses.create({ model, input: [{ role: "developer", content: "Be terse." }, { role: "user", content: "One." }, { role: "user", content: "Two." }] });
  const page = await client.responses.inputItems.list(r.id);
  // OpenAI lists the newest first.
  expect(page.data.map((i) => i.type === "message" && i.content[0]?.type === "input_text" && i.content[0].text)).toEqual(["Two.", "One.", "Be terse."]);
  const seen: string[] = [];
  for await (const item of client.responses.inputItems.list(r.id, { order: "asc", limit: 1 })) seen.push(item.id);
  expect(seen).toEqual([...page.data].reverse().map((i) => i.id));
});

test("abort mid-stream cancels generation in the worker", async () => {
  const { engine, client } = await setup({ models: [model], reply: "word ".repeat(200), tokensPerSecond: 50 }, true);
  const stream = await client.responses.create({ model, input: "Talk for a while.", stream: true });
  let deltas = 0;
  for await (const e of stream) {
    if (e.type === "response.output_text.delta" && ++deltas === 3) stream.controller.abort();
  }
  expect(deltas).toBe(3);
  await expect.poll(async () => (await engine.stats()).running, { timeout: 5000 }).toBe(0);
  expect((await engine.stats()).openPorts).toBe(0);
});

test("the SDK's own error classes, for a 400 and a 404", async () => {
  const { client } = await setup({ models: [model] });
  const bad = await client.responses.create({ model, input: "Search the web.", tools: [{ type: "web_search" }] }).catch((e: unknown) => e);
  expect(bad).toBeInstanceOf(OpenAI.BadRequestError);
  expect(bad).toMatchObject({ status: 400, param: "tools[0].type", type: "invalid_request_error" });
  const background = await client.responses.create({ model, input: "Later.", background: true }).catch((e: unknown) => e);
  expect(background).toMatchObject({ status: 400, param: "background" });
  const image = await client.responses
    .create({ model, input: [{ role: "user", content: [{ type: "input_image", image_url: "data:image/png;base64,AAAA", detail: "auto" }] }] })
    .catch((e: unknown) => e);
  expect(image).toMatchObject({ status: 400, param: "input[0].content[0].type" });
  const missing = await client.responses.create({ model: "no-such-model", input: "Hi." }).catch((e: unknown) => e);
  expect(missing).toBeInstanceOf(OpenAI.NotFoundError);
  const chain = await client.responses.create({ model, input: "Hi.", previous_response_id: "resp_gone" }).catch((e: unknown) => e);
  expect(chain).toBeInstanceOf(OpenAI.BadRequestError);
  expect(chain).toMatchObject({ code: "previous_response_not_found", param: "previous_response_id" });
});

test("SSE is framed exactly as OpenAI frames it: an event line, a data line, no [DONE]", async () => {
  const { engine } = await setup({ models: [model], reply: "Framed." });
  const res = await engine.fetch("http://localhost/v1/responses", { method: "POST", body: JSON.stringify({ model, input: "Frame it.", stream: true }) });
  expect(res.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
  const frames = sseFrames(await res.text());
  expect(frames.map((f) => f.event)).toEqual([
    "response.created",
    "response.in_progress",
    "response.output_item.added",
    "response.content_part.added",
    ...frames.slice(4, -4).map(() => "response.output_text.delta"),
    "response.output_text.done",
    "response.content_part.done",
    "response.output_item.done",
    "response.completed",
  ]);
  expect(frames.map((f) => f.data.sequence_number)).toEqual(frames.map((_, i) => i));
  expect(res.headers.get("x-request-id")).toBe((frames[0]?.data.response as { id: string }).id);
});

test("an engine closed mid-stream ends the SSE with an error event, which the SDK throws", async () => {
  const { engine, client } = await setup({ models: [model], reply: "slow ".repeat(100), tokensPerSecond: 50 }, true);
  const stream = await client.responses.create({ model, input: "Go on.", stream: true });
  const err = await (async () => {
    for await (const e of stream) if (e.type === "response.output_text.delta") engine.close();
  })().catch((e: unknown) => e);
  expect(err).toBeInstanceOf(OpenAI.APIError);
  expect((err as Error).message).toMatch(/close/);
});
