import { describe, expect, test } from "vitest";
import type { ChatCompletionChunk, ChatCompletionCreateParamsStreaming } from "../../src/index.js";
import { fakeBackend } from "../../src/testing.js";
import { runPipeline, toGenerateRequest } from "../../src/endpoints/chat/pipeline.js";
import { validateRequest } from "../../src/endpoints/chat/validate.js";
import { nodeEngine } from "../support/node-engine.js";
import { schemaErrors } from "../support/schema.js";

const weather = { type: "function" as const, function: { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } } } } };
const call = '<tool_call>\n{"name": "get_weather", "arguments": {"city": "Bern"}}\n</tool_call>';

/** Runs the pipeline; `moderate` sees the whole text so far, as the page's hook does. */
async function run(reply: string, body: Record<string, unknown>, moderate?: (t: string) => boolean): Promise<ChatCompletionChunk[]> {
  const req = validateRequest({ model: "fake-1", messages: [{ role: "user", content: "hi" }], stream: true, ...body });
  const out: ChatCompletionChunk[] = [];
  let seen = "";
  const ask = moderate ? async (delta: string) => moderate((seen += delta)) : undefined;
  for await (const c of runPipeline(req, toGenerateRequest(req), { backend: fakeBackend({ reply }), signal: new AbortController().signal, moderate: ask })) out.push(c);
  return out;
}
const text = (chunks: ChatCompletionChunk[]): string => chunks.map((c) => c.choices[0]?.delta.content ?? "").join("");
/** The streamed tool calls, their argument fragments joined by index, as a client joins them. */
const toolCalls = (chunks: ChatCompletionChunk[]) => {
  const out: { index: number; id?: string; type?: string; function: { name?: string; arguments: string } }[] = [];
  for (const t of chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? [])) {
    const call = (out[t.index] ??= { index: t.index, function: { arguments: "" } });
    if (t.id) call.id = t.id;
    if (t.type) call.type = t.type;
    if (t.function?.name) call.function.name = t.function.name;
    call.function.arguments += t.function?.arguments ?? "";
  }
  return out;
};
const finish = (chunks: ChatCompletionChunk[]): string | null | undefined => chunks.findLast((c) => c.choices[0]?.finish_reason)?.choices[0]?.finish_reason;

describe("tool calls", () => {
  test("a Hermes-format call becomes tool_calls with finish_reason tool_calls", async () => {
    const chunks = await run(`Let me check. ${call}`, { tools: [weather] });
    for (const c of chunks) expect(schemaErrors("CreateChatCompletionStreamResponse", c)).toBeNull();
    // The space before the call is formatting around it, not content.
    expect(text(chunks)).toBe("Let me check.");
    const calls = toolCalls(chunks);
    expect(calls).toHaveLength(1);
    // The first delta of a call names it, with empty arguments, as OpenAI streams it.
    expect(chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? [])[0]).toMatchObject({ index: 0, type: "function", function: { name: "get_weather", arguments: "" } });
    expect(calls[0]).toMatchObject({ index: 0, type: "function", function: { name: "get_weather", arguments: '{"city":"Bern"}' } });
    expect(calls[0]?.id).toMatch(/^call_/);
    expect(finish(chunks)).toBe("tool_calls");
  });

  test("two calls in one reply", async () => {
    const chunks = await run(`${call}\n${call.replace("Bern", "Genf")}`, { tools: [weather] });
    expect(toolCalls(chunks).map((t) => t.function.arguments)).toEqual(['{"city":"Bern"}', '{"city":"Genf"}']);
  });

  test("a malformed call is returned as the model's text, not guessed at", async () => {
    const chunks = await run("<tool_call>{not json</tool_call>", { tools: [weather] });
    expect(text(chunks)).toBe("<tool_call>{not json</tool_call>");
    expect(finish(chunks)).toBe("stop");
  });

  test("without tools the same text is plain content", async () => {
    const chunks = await run(call, {});
    expect(text(chunks)).toBe(call);
  });

  test("a round trip through the engine: call, tool result, answer", async () => {
    const ctx = await nodeEngine({ reply: [call, "It is 21 degrees in Bern."] });
    try {
      const first = await ctx.engine.chat.completions.create({ model: "fake-1", messages: [{ role: "user", content: "Weather in Bern?" }], tools: [weather] });
      expect(schemaErrors("CreateChatCompletionResponse", first)).toBeNull();
      const msg = first.choices[0]?.message;
      expect(first.choices[0]?.finish_reason).toBe("tool_calls");
      expect(msg?.content).toBeNull();
      const id = msg?.tool_calls?.[0]?.id ?? "";
      const second = await ctx.engine.chat.completions.create({
        model: "fake-1",
        tools: [weather],
        messages: [
          { role: "user", content: "Weather in Bern?" },
          { role: "assistant", content: null, tool_calls: msg?.tool_calls ?? [] },
          { role: "tool", tool_call_id: id, content: '{"celsius": 21}' },
        ],
      });
      expect(second.choices[0]?.message.content).toBe("It is 21 degrees in Bern.");
    } finally {
      await ctx.close();
    }
  });
});

describe("moderation, stops and usage", () => {
  test("the moderation hook ends the reply with content_filter before the flagged text", async () => {
    // Moderation sees each delta before the page does; "awful" is one token of the fake's.
    const chunks = await run("This is fine. This is awful stuff.", {}, (t) => t.includes("awful"));
    expect(text(chunks)).toBe("This is fine. This is");
    expect(finish(chunks)).toBe("content_filter");
  });

  test("the moderation hook crosses the worker boundary", async () => {
    const ctx = await nodeEngine({ reply: "safe words then bad words" }, { moderate: (t) => t.includes("bad") });
    try {
      const r = await ctx.engine.chat.completions.create({ model: "fake-1", messages: [{ role: "user", content: "x" }] });
      expect(r.choices[0]).toMatchObject({ finish_reason: "content_filter", message: { content: "safe words then" } });
    } finally {
      await ctx.close();
    }
  });

  test("overlapping stop sequences: the earliest match wins, even across tokens", async () => {
    const chunks = await run("one two three four", { stop: ["three four", "o thr"] });
    expect(text(chunks)).toBe("one tw");
    expect(finish(chunks)).toBe("stop");
  });

  test("usage counts the tokens generated up to the stop, and appears only when asked", async () => {
    const body: Partial<ChatCompletionCreateParamsStreaming> = { stop: "three", stream_options: { include_usage: true } };
    const chunks = await run("one two three four", body);
    expect(chunks.at(-1)?.usage).toMatchObject({ completion_tokens: 3, prompt_tokens: 4 });
    const plain = await run("one two", {});
    expect(plain.every((c) => !("usage" in c))).toBe(true);
  });

  test("logprobs are passed through per token", async () => {
    const chunks = await run("a b", { logprobs: true, top_logprobs: 2 });
    for (const c of chunks) expect(schemaErrors("CreateChatCompletionStreamResponse", c)).toBeNull();
    const lp = chunks.flatMap((c) => c.choices[0]?.logprobs?.content ?? []);
    expect(lp.map((t) => t.token)).toEqual(["a", " b"]);
    expect(lp[0]?.top_logprobs).toHaveLength(2);
  });

  test("an emoji split across tokens reaches the page whole, with no U+FFFD", async () => {
    const chunks = await run("ok 😀👍 done", {});
    expect(text(chunks)).toBe("ok 😀👍 done");
    expect(text(chunks)).not.toContain("\uFFFD");
  });
});
