import { afterAll, beforeAll, expect, test } from "vitest";
import { APIError, BadRequestError, type ChatCompletionChunk } from "../../src/index.js";
import { deserializeError, serializeError } from "../../src/errors/serialize.js";
import { fakeBackend } from "../../src/testing.js";
import { Host } from "../../src/runtime/host.js";
import { Lane } from "../../src/runtime/lane.js";
import { nodeEngine } from "../support/node-engine.js";

// What crosses the page↔worker boundary, over a real worker_threads Worker: streams (tee, readable
// streams), errors by class, a page end that goes away, progress hooks, and the fake's JSON modes.
let ctx: Awaited<ReturnType<typeof nodeEngine>>;
beforeAll(async () => {
  ctx = await nodeEngine({ reply: "one two three four five six seven eight", tokensPerSecond: 2000 });
});
afterAll(() => ctx.close());

const body = { model: "fake-1", messages: [{ role: "user" as const, content: "x" }], stream: true as const };
const text = (cs: ChatCompletionChunk[]): string => cs.map((c) => c.choices[0]?.delta.content ?? "").join("");

test("tee() gives both branches every chunk in order, read in parallel", async () => {
  const [a, b] = (await ctx.engine.chat.completions.create(body)).tee();
  const read = async (s: AsyncIterable<ChatCompletionChunk>): Promise<ChatCompletionChunk[]> => {
    const out: ChatCompletionChunk[] = [];
    for await (const c of s) out.push(c);
    return out;
  };
  const [ra, rb] = await Promise.all([read(a), read(b)]);
  expect(text(ra)).toBe("one two three four five six seven eight");
  expect(ra).toEqual(rb);
  expect(ra.at(-1)?.choices[0]?.finish_reason).toBe("stop");
});

test("leaving both tee() branches cancels generation and frees the queue", async () => {
  const long = await nodeEngine({ reply: "word ".repeat(5000), tokensPerSecond: 1000 });
  try {
    const [a, b] = (await long.engine.chat.completions.create(body)).tee();
    for await (const _ of a) break;
    for await (const _ of b) break;
    const next = await long.engine.chat.completions.create({ model: "fake-1", messages: body.messages, max_tokens: 2 });
    expect(next.choices[0]?.finish_reason).toBe("length");
    await expect.poll(() => long.engine.stats()).toMatchObject({ running: 0, openPorts: 0 });
  } finally {
    await long.close();
  }
}, 15_000);

test("a page end that closes without cancelling stops the worker's generation", async () => {
  const lane = new Lane(fakeBackend({ reply: "word ".repeat(5000), tokensPerSecond: 1000 }));
  const host = new Host(async () => lane);
  const first = new MessageChannel();
  // 3,000 tokens at 1,000/s would hold the queue for 3 s; the page grants only 4 credits.
  host.call("chat.completions.create", { ...body, max_tokens: 3000 }, first.port2);
  first.port1.postMessage({ t: "credit", n: 4 });
  const firstMessage = await new Promise<{ t: string }>((resolve) => (first.port1.onmessage = (ev) => resolve(ev.data)));
  expect(firstMessage.t).toBe("chunk");
  const closedAt = performance.now();
  first.port1.close(); // the page went away: no cancel message
  const second = new MessageChannel();
  host.call("chat.completions.create", { model: "fake-1", messages: body.messages, max_tokens: 2 }, second.port2);
  const result = await new Promise<{ t: string }>((resolve) => (second.port1.onmessage = (ev) => resolve(ev.data)));
  expect(result.t).toBe("result");
  expect(performance.now() - closedAt).toBeLessThan(1_500);
  expect(await host.stats()).toMatchObject({ ok: true, value: { running: 0, openPorts: 0 } });
  second.port1.close();
});

test("errors from plain remote calls keep their class (configure with models on the fake)", async () => {
  const err = await nodeEngine({}, { models: [{ model: "http://127.0.0.1/x", model_id: "x", model_lib: "http://127.0.0.1/x.wasm" }] }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(BadRequestError);
  expect(err).toMatchObject({ status: 400, param: "models" });
});

test("engine.load reports to the engine-wide onProgress too", async () => {
  const seen: string[] = [];
  const e = await nodeEngine({}, { onProgress: (p) => seen.push(p.phase) });
  try {
    await e.engine.load("fake-1");
    expect(seen).toContain("ready");
  } finally {
    await e.close();
  }
});

test("parallel_tool_calls: false keeps only the first call", async () => {
  const call = (city: string): string => `<tool_call>\n{"name": "w", "arguments": {"city": "${city}"}}\n</tool_call>`;
  const e = await nodeEngine({ reply: `${call("Bern")}\n${call("Genf")}` });
  try {
    const tools = [{ type: "function" as const, function: { name: "w" } }];
    const both = await e.engine.chat.completions.create({ model: "fake-1", messages: body.messages, tools });
    expect(both.choices[0]?.message.tool_calls).toHaveLength(2);
    const one = await e.engine.chat.completions.create({ model: "fake-1", messages: body.messages, tools, parallel_tool_calls: false });
    expect(one.choices[0]?.message.tool_calls?.map((c) => c.function.arguments)).toEqual(['{"city":"Bern"}']);
  } finally {
    await e.close();
  }
});

test("a custom APIError keeps its status, type and code across the boundary", () => {
  const rebuilt = deserializeError(serializeError(new APIError(429, "slow down", { type: "rate_limit_error", code: "busy" })));
  expect(rebuilt).toBeInstanceOf(APIError);
  expect(rebuilt).toMatchObject({ status: 429, type: "rate_limit_error", code: "busy", message: "slow down" });
});

test("the fake answers JSON mode with JSON", async () => {
  const r = await ctx.engine.chat.completions.create({
    model: "fake-1",
    messages: [{ role: "user", content: "Reply in JSON." }],
    response_format: { type: "json_object" },
  });
  // The scripted reply wins over JSON mode, as a real model's output would: this engine is scripted.
  expect(r.choices[0]?.message.content).toBe("one two three four five six seven eight");
  const unscripted = await nodeEngine();
  try {
    const j = await unscripted.engine.chat.completions.create({ model: "fake-1", messages: [{ role: "user", content: "JSON please" }], response_format: { type: "json_object" } });
    expect(() => JSON.parse(j.choices[0]?.message.content ?? "")).not.toThrow();
  } finally {
    await unscripted.close();
  }
});

test("the fake answers json_schema with a valid instance of the schema, the same for the same seed", async () => {
  const unscripted = await nodeEngine();
  try {
    const schema = {
      type: "object",
      properties: {
        city: { type: "string", minLength: 2 },
        days: { type: "integer", minimum: 1, maximum: 7 },
        unit: { enum: ["c", "f"] },
        tags: { type: "array", items: { type: "string" }, minItems: 1 },
        where: { $ref: "#/$defs/point" },
      },
      required: ["city", "days", "unit", "tags", "where"],
      additionalProperties: false,
      $defs: { point: { type: "object", properties: { lat: { type: "number" }, lon: { type: "number" } }, required: ["lat", "lon"] } },
    };
    const ask = () =>
      unscripted.engine.chat.completions.create({
        model: "fake-1",
        messages: [{ role: "user", content: "Weather?" }],
        seed: 7,
        response_format: { type: "json_schema", json_schema: { name: "weather", schema, strict: true } },
      });
    const a = JSON.parse((await ask()).choices[0]?.message.content ?? "");
    expect(a).toMatchObject({ city: expect.any(String), days: expect.any(Number), unit: expect.stringMatching(/^[cf]$/), tags: expect.any(Array) });
    expect(Number.isInteger(a.days) && a.days >= 1 && a.days <= 7).toBe(true);
    expect(a.city.length).toBeGreaterThanOrEqual(2);
    expect(a.where).toEqual({ lat: expect.any(Number), lon: expect.any(Number) });
    expect(Object.keys(a).every((k) => k in schema.properties)).toBe(true);
    expect(JSON.parse((await ask()).choices[0]?.message.content ?? "")).toEqual(a);
  } finally {
    await unscripted.close();
  }
});

test("toReadableStream() and Stream.fromReadableStream() round-trip a stream", async () => {
  const { Stream } = await import("../../src/index.js");
  const original = await ctx.engine.chat.completions.create(body);
  const rebuilt = Stream.fromReadableStream<ChatCompletionChunk>(original.toReadableStream());
  const out: ChatCompletionChunk[] = [];
  for await (const c of rebuilt) out.push(c);
  expect(text(out)).toBe("one two three four five six seven eight");
  expect(out.at(-1)?.choices[0]?.finish_reason).toBe("stop");
});
