// The Responses API over the whole page↔worker path (a real worker_threads Worker, the fake
// backend, the memory store): shapes against OpenAI's schemas, the event order, usage, stored
// chains and their KV-cache reuse, thinking, and what is refused.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { APIUserAbortError, BadRequestError, ContextLengthExceededError, NotFoundError, type ResponseStreamEvent } from "../../src/index.js";
import { tokenize } from "../../src/testing.js";
import { nodeResponsesEngine } from "../support/node-responses.js";
import { responsesSchemaErrors } from "../support/responses-schema.js";

const model = "fake-1";
const call = '<tool_call>\n{"name": "get_weather", "arguments": {"city": "Paris"}}\n</tool_call>';
const weather = { type: "function" as const, name: "get_weather", description: "Weather in a city", parameters: { type: "object", properties: { city: { type: "string" } } }, strict: null };

let ctx: Awaited<ReturnType<typeof nodeResponsesEngine>>;
beforeAll(async () => {
  ctx = await nodeResponsesEngine({
    models: ["fake-1", "Qwen3-0.6B-q4f16_1-MLC", "DeepSeek-R1-Distill-Qwen-7B-q4f16_1-MLC"],
    reply: [
      "Hello there, friend.", // 1: plain
      "One two three four five six", // 2: max_output_tokens
      call, // 3: tool call
      "It is sunny in Paris.", // 4: tool result answered
      "<think>\nThe user greets me.\n</think>\n\nHi!", // 5: Qwen3 thinking
      "Let me think about it.</think>\n\nForty-two.", // 6: R1 distill, no opening tag
      "First answer.", // 7-9: chain
      "Second answer.",
      "Third answer.",
      "Stored and read back.", // 10+
    ],
  });
});
afterAll(() => ctx.close());

async function collect(stream: AsyncIterable<ResponseStreamEvent>): Promise<ResponseStreamEvent[]> {
  const out: ResponseStreamEvent[] = [];
  for await (const e of stream) out.push(e);
  return out;
}

describe("responses.create, in order of the fake's script", () => {
  test("string input: a completed response in OpenAI's shape", async () => {
    const r = await ctx.engine.responses.create({ model, input: "hello", instructions: "Be kind.", metadata: { a: "b" } });
    expect(responsesSchemaErrors("Response", r)).toBeNull();
    expect(r.id).toMatch(/^resp_/);
    expect(r.status).toBe("completed");
    expect(r.output_text).toBe("Hello there, friend.");
    expect(r.output[0]).toMatchObject({ type: "message", role: "assistant", status: "completed" });
    expect(r.output[0]?.id).toMatch(/^msg_/);
    expect(r.instructions).toBe("Be kind.");
    expect(r.metadata).toEqual({ a: "b" });
    expect(Math.abs(r.created_at - Date.now() / 1000)).toBeLessThan(5);
    // The fake counts each message's tokens plus 2, plus 1: system and user here.
    expect(r.usage).toEqual({
      input_tokens: tokenize("Be kind.").length + tokenize("hello").length + 5,
      input_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 },
      output_tokens: tokenize("Hello there, friend.").length,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: tokenize("Be kind.").length + tokenize("hello").length + 5 + tokenize("Hello there, friend.").length,
    });
  });

  test("max_output_tokens ends the response as incomplete, and the stream's events come in OpenAI's order", async () => {
    const stream = await ctx.engine.responses.create({ model, input: "count", max_output_tokens: 3, stream: true });
    const events = await collect(stream);
    for (const e of events) expect(responsesSchemaErrors("ResponseStreamEvent", e), e.type).toBeNull();
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
    const types = events.map((e) => e.type);
    expect(types.slice(0, 4)).toEqual(["response.created", "response.in_progress", "response.output_item.added", "response.content_part.added"]);
    expect(types.slice(4, -4).every((t) => t === "response.output_text.delta")).toBe(true);
    expect(types.slice(-4)).toEqual(["response.output_text.done", "response.content_part.done", "response.output_item.done", "response.incomplete"]);
    const last = events.at(-1);
    expect(last?.type === "response.incomplete" && last.response).toMatchObject({ status: "incomplete", incomplete_details: { reason: "max_output_tokens" }, output_text: "One two three" });
    expect(last?.type === "response.incomplete" && last.response.output[0]).toMatchObject({ status: "incomplete" });
  });

  test("a function tool round trip with function_call_output", async () => {
    const first = await ctx.engine.responses.create({ model, input: "Weather in Paris?", tools: [weather] });
    expect(responsesSchemaErrors("Response", first)).toBeNull();
    const fc = first.output[0];
    expect(fc).toMatchObject({ type: "function_call", name: "get_weather", arguments: '{"city":"Paris"}', status: "completed" });
    if (fc?.type !== "function_call") throw new Error("no call");
    expect(fc.id).toMatch(/^fc_/);
    expect(fc.call_id).toMatch(/^call_/);
    const second = await ctx.engine.responses.create({
      model,
      tools: [weather],
      previous_response_id: first.id,
      input: [{ type: "function_call_output", call_id: fc.call_id, output: '{"sky":"sunny"}' }],
    });
    expect(second.output_text).toBe("It is sunny in Paris.");
    expect(second.usage?.input_tokens_details.cached_tokens).toBeGreaterThan(0);
  });

  test("Qwen3's thinking becomes a reasoning item, counted in reasoning_tokens, never output_text", async () => {
    const events = await collect(await ctx.engine.responses.create({ model: "Qwen3-0.6B-q4f16_1-MLC", input: "hi", stream: true }));
    for (const e of events) expect(responsesSchemaErrors("ResponseStreamEvent", e), e.type).toBeNull();
    const done = events.at(-1);
    if (done?.type !== "response.completed") throw new Error(String(done?.type));
    const r = done.response;
    expect(r.output.map((o) => o.type)).toEqual(["reasoning", "message"]);
    expect(r.output[0]).toMatchObject({ type: "reasoning", content: [{ type: "reasoning_text", text: "The user greets me.\n" }], summary: [] });
    expect(r.output[0]?.id).toMatch(/^rs_/);
    expect(r.output_text).toBe("Hi!");
    expect(r.usage?.output_tokens_details.reasoning_tokens).toBe(tokenize("<think>\nThe user greets me.\n</think>").length);
    expect(r.usage?.output_tokens).toBe(tokenize("<think>\nThe user greets me.\n</think>\n\nHi!").length);
    expect(events.some((e) => e.type === "response.reasoning_text.delta")).toBe(true);
  });

  test("an R1 distill, whose output opens inside the thinking, is split too", async () => {
    const r = await ctx.engine.responses.create({ model: "DeepSeek-R1-Distill-Qwen-7B-q4f16_1-MLC", input: "meaning of life?" });
    expect(responsesSchemaErrors("Response", r)).toBeNull();
    expect(r.output[0]).toMatchObject({ type: "reasoning", content: [{ text: "Let me think about it." }] });
    expect(r.output_text).toBe("Forty-two.");
    expect(r.output_text).not.toContain("think>");
  });

  test("previous_response_id over three turns reuses the KV cache from turn 2, and the chain is listed and read back", async () => {
    const one = await ctx.engine.responses.create({ model, input: "Turn one.", instructions: "Be brief." });
    const two = await ctx.engine.responses.create({ model, input: "Turn two.", instructions: "Be brief.", previous_response_id: one.id });
    const three = await ctx.engine.responses.create({ model, input: "Turn three.", instructions: "Be brief.", previous_response_id: two.id });
    expect([one.output_text, two.output_text, three.output_text]).toEqual(["First answer.", "Second answer.", "Third answer."]);
    expect(one.usage?.input_tokens_details.cached_tokens).toBe(0);
    // Turn 2's prompt is turn 1's prompt and output exactly: all of it is cached.
    expect(two.usage?.input_tokens_details.cached_tokens).toBe((one.usage?.input_tokens ?? 0) + (one.usage?.output_tokens ?? 0) + 1);
    expect(three.usage?.input_tokens_details.cached_tokens).toBe((two.usage?.input_tokens ?? 0) + (two.usage?.output_tokens ?? 0) + 1);
    expect(three.previous_response_id).toBe(two.id);
    const items = await ctx.engine.responses.inputItems.list(three.id);
    expect(responsesSchemaErrors("ResponseItemList", items)).toBeNull();
    expect(items.data).toHaveLength(1);
    expect(items.data[0]).toMatchObject({ type: "message", role: "user", content: [{ type: "input_text", text: "Turn three." }] });
    expect(await ctx.engine.responses.retrieve(two.id)).toEqual(two);
  });

  test("retrieve, delete, then 404; store: false is never stored", async () => {
    const r = await ctx.engine.responses.create({ model, input: "keep me" });
    expect((await ctx.engine.responses.retrieve(r.id)).output_text).toBe(r.output_text);
    expect(await ctx.engine.responses.delete(r.id)).toEqual({ id: r.id, object: "response", deleted: true });
    const gone = await ctx.engine.responses.retrieve(r.id).catch((e: unknown) => e);
    expect(gone).toBeInstanceOf(NotFoundError);
    expect(gone).toMatchObject({ status: 404, message: `Response with id '${r.id}' not found.` });
    await expect(ctx.engine.responses.delete(r.id)).rejects.toBeInstanceOf(NotFoundError);
    const chained = await ctx.engine.responses.create({ model, input: "again", previous_response_id: r.id }).catch((e: unknown) => e);
    expect(chained).toBeInstanceOf(BadRequestError);
    expect(chained).toMatchObject({ status: 400, code: "previous_response_not_found", param: "previous_response_id" });
    const unstored = await ctx.engine.responses.create({ model, input: "forget me", store: false });
    expect(unstored.store).toBe(false);
    await expect(ctx.engine.responses.retrieve(unstored.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  test("an item_reference reads the stored item", async () => {
    const r = await ctx.engine.responses.create({ model, input: "remember" });
    const id = r.output[0]?.id ?? "";
    const next = await ctx.engine.responses.create({ model, input: [{ role: "user", content: "remember" }, { type: "item_reference", id }, { role: "user", content: "and now?" }] });
    expect(next.usage?.input_tokens_details.cached_tokens).toBeGreaterThan(0);
    const listed = await ctx.engine.responses.inputItems.list(next.id, { order: "asc" });
    expect(listed.data[1]).toEqual(r.output[0]);
    const missing = await ctx.engine.responses.create({ model, input: [{ type: "item_reference", id: "msg_nope" }] }).catch((e: unknown) => e);
    expect(missing).toMatchObject({ status: 404, param: "input[0]" });
  });
});

test("a streamed function call, after text, in OpenAI's order", async () => {
  const other = await nodeResponsesEngine({ reply: `Let me check.\n${call}` });
  try {
    const events = await collect(await other.engine.responses.create({ model, input: "Weather?", tools: [weather], stream: true }));
    for (const e of events) expect(responsesSchemaErrors("ResponseStreamEvent", e), e.type).toBeNull();
    const types = events.map((e) => e.type).filter((t) => t !== "response.output_text.delta" && t !== "response.function_call_arguments.delta");
    expect(types).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.content_part.added",
      "response.output_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.output_item.added",
      "response.function_call_arguments.done",
      "response.output_item.done",
      "response.completed",
    ]);
    const args = events.flatMap((e) => (e.type === "response.function_call_arguments.delta" ? [e.delta] : [])).join("");
    expect(JSON.parse(args)).toEqual({ city: "Paris" });
    const last = events.at(-1);
    if (last?.type !== "response.completed") throw new Error(String(last?.type));
    expect(last.response.output.map((o) => o.type)).toEqual(["message", "function_call"]);
    expect(last.response.output[1]).toMatchObject({ status: "completed", arguments: args, name: "get_weather" });
  } finally {
    await other.close();
  }
});

describe("refused with a 400 naming the field", () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ["web_search", { tools: [{ type: "web_search" }] }, "tools[0].type"],
    ["background", { background: true }, "background"],
    ["an image", { input: [{ role: "user", content: [{ type: "input_text", text: "what is" }, { type: "input_image", image_url: "data:," }] }] }, "input[0].content[1].type"],
    ["a conversation", { conversation: "conv_1" }, "conversation"],
    ["reasoning effort", { reasoning: { effort: "high" } }, "reasoning.effort"],
    ["an unknown field", { seed: 1 }, "seed"],
    ["a hosted tool choice", { tool_choice: { type: "file_search" } }, "tool_choice"],
    ["temperature out of range", { temperature: 3 }, "temperature"],
    ["verbosity", { text: { verbosity: "low" } }, "text.verbosity"],
    ["include", { include: ["reasoning.encrypted_content"] }, "include[0]"],
  ];
  test.each(cases)("%s", async (_name, extra, param) => {
    const err = await ctx.engine.responses.create({ model, input: "hi", ...extra } as never).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadRequestError);
    expect((err as BadRequestError).param).toBe(param);
  });

  test("an unknown model is a 404", async () => {
    await expect(ctx.engine.responses.create({ model: "nope", input: "hi" })).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe("the store's limits", () => {
  test("the oldest responses are evicted first", async () => {
    const small = await nodeResponsesEngine({ reply: "ok" }, { maxStored: 2 });
    try {
      const ids: string[] = [];
      for (const input of ["a", "b", "c"]) ids.push((await small.engine.responses.create({ model, input })).id);
      await expect(small.engine.responses.retrieve(ids[0] ?? "")).rejects.toBeInstanceOf(NotFoundError);
      expect((await small.engine.responses.retrieve(ids[2] ?? "")).status).toBe("completed");
      expect((await small.engine.responses.retrieve(ids[1] ?? "")).status).toBe("completed");
    } finally {
      await small.close();
    }
  });

  test("truncation: auto drops the oldest turns to fit the context window; disabled refuses", async () => {
    const tiny = await nodeResponsesEngine({ models: [{ id: "tiny", context_window: 48 }], reply: "A reply of six tokens here." });
    try {
      let previous: string | null = null;
      for (let i = 0; i < 3; i++) previous = (await tiny.engine.responses.create({ model: "tiny", input: "Another question, a little longer.", previous_response_id: previous, truncation: "auto" })).id;
      const refused = await tiny.engine.responses.create({ model: "tiny", input: "One more question.", previous_response_id: previous }).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(ContextLengthExceededError);
      // Room for the reply is kept too: the prompt and max_output_tokens must fit together.
      const fitted = await tiny.engine.responses.create({ model: "tiny", input: "One more question.", previous_response_id: previous, truncation: "auto", max_output_tokens: 8 });
      expect(fitted.status).toBe("completed");
      expect(fitted.truncation).toBe("auto");
      expect((fitted.usage?.input_tokens ?? 99) + 8).toBeLessThanOrEqual(48);
    } finally {
      await tiny.close();
    }
  });

  test("an aborted stream stops the worker and is kept as cancelled", async () => {
    const slow = await nodeResponsesEngine({ reply: "one two three four five six seven eight nine ten", tokensPerSecond: 20 });
    try {
      const stream = await slow.engine.responses.create({ model, input: "go", stream: true });
      let id = "";
      const err = await (async () => {
        for await (const e of stream) {
          if (e.type === "response.created") id = e.response.id;
          if (e.type === "response.output_text.delta") stream.controller.abort();
        }
      })().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(APIUserAbortError);
      await expect.poll(async () => (await slow.engine.stats()).running).toBe(0);
      await expect.poll(async () => (await slow.engine.responses.retrieve(id)).status).toBe("cancelled");
    } finally {
      await slow.close();
    }
  });
});
