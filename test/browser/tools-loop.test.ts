// A full tool loop for every family, in Chromium, on fakeBackend in a real module Worker: the
// call (scripted in the family's own raw format with toolCallText, so it goes through the real
// rendering and parsing), the tool result, and the final answer; through engine.chat.completions
// and through the official SDK's runTools over engine.fetch. Streamed and non-streamed agree.
import OpenAI from "openai";
import { afterAll, describe, expect, test } from "vitest";
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionMessageParam, Engine } from "../../src/index.js";
import { toolCallText } from "../../src/testing.js";
import { fakeEngine } from "./harness.js";
import { expectSchema } from "./rest-support.js";

/** One model id of each tool format among WebLLM 0.2.86's prebuilt models. */
const FAMILIES = {
  "qwen2.5": "Qwen2.5-1.5B-Instruct-q4f16_1-MLC",
  qwen3: "Qwen3-0.6B-q4f16_1-MLC",
  "qwen3.5": "Qwen3.5-0.8B-q4f16_1-MLC",
  "hermes-2-pro": "Hermes-2-Pro-Llama-3-8B-q4f16_1-MLC",
  "hermes-3": "Hermes-3-Llama-3.1-8B-q4f16_1-MLC",
  "llama3-json": "Llama-3.2-1B-Instruct-q4f32_1-MLC",
  "mistral-v3": "Mistral-7B-Instruct-v0.3-q4f16_1-MLC",
  ministral3: "Ministral-3-3B-Instruct-2512-BF16-q4f16_1-MLC",
  "phi4-mini": "Phi-4-mini-instruct-q4f16_1-MLC",
  smollm2: "SmolLM2-1.7B-Instruct-q4f16_1-MLC",
  "generic-json": "gemma-2-2b-it-q4f16_1-MLC",
} as const;

const weather = {
  type: "function" as const,
  function: { name: "get_weather", description: "The weather in a city.", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } },
};
const question: ChatCompletionMessageParam[] = [{ role: "user", content: "What is the weather in Bern?" }];
const ANSWER = "It is 21 degrees in Bern.";

const engines: Engine[] = [];
afterAll(() => engines.forEach((e) => e.close()));

async function engineFor(model: string, reply: string[]): Promise<Engine> {
  const e = await fakeEngine({ models: [model], reply });
  engines.push(e);
  return e;
}

/** Joins a stream's deltas the way a client does: content, and tool calls by index. */
function join(chunks: ChatCompletionChunk[]) {
  let content = "";
  const calls: { id: string; name: string; arguments: string }[] = [];
  for (const c of chunks) {
    const d = c.choices[0]?.delta;
    content += d?.content ?? "";
    for (const t of d?.tool_calls ?? []) {
      const call = (calls[t.index] ??= { id: "", name: "", arguments: "" });
      call.id ||= t.id ?? "";
      call.name ||= t.function?.name ?? "";
      call.arguments += t.function?.arguments ?? "";
    }
  }
  return { content, calls, finish: chunks.findLast((c) => c.choices[0]?.finish_reason)?.choices[0]?.finish_reason };
}

describe.each(Object.entries(FAMILIES))("%s", (format, model) => {
  test(`${model}: call, tool result, answer; streamed and not, the same`, async () => {
    const call = toolCallText(model, { name: "get_weather", arguments: { city: "Bern" } });
    const plain = await engineFor(model, [call, ANSWER]);
    expect((await plain.models.retrieve(model)).tool_format).toBe(format);
    const first: ChatCompletion = await plain.chat.completions.create({ model, messages: question, tools: [weather] });
    await expectSchema("CreateChatCompletionResponse", first);
    const msg = first.choices[0]!.message;
    expect(first.choices[0]?.finish_reason).toBe("tool_calls");
    expect(msg.content).toBeNull();
    expect(msg.tool_calls).toHaveLength(1);
    const tc = msg.tool_calls![0]!;
    expect(tc.type === "function" && tc.function.name).toBe("get_weather");
    expect(JSON.parse(tc.type === "function" ? tc.function.arguments : "")).toEqual({ city: "Bern" });
    const history: ChatCompletionMessageParam[] = [...question, msg, { role: "tool", tool_call_id: tc.id, content: '{"celsius": 21}' }];
    const final = await plain.chat.completions.create({ model, messages: history, tools: [weather] });
    expect(final.choices[0]).toMatchObject({ finish_reason: "stop", message: { content: ANSWER } });

    // The same loop, streamed: no family's markup in the content, the same call and answer.
    const streaming = await engineFor(model, [call, ANSWER]);
    const chunks: ChatCompletionChunk[] = [];
    for await (const c of await streaming.chat.completions.create({ model, messages: question, tools: [weather], stream: true })) chunks.push(c);
    for (const c of chunks) await expectSchema("CreateChatCompletionStreamResponse", c);
    expect(chunks[0]?.choices[0]?.delta).toMatchObject({ role: "assistant", content: null });
    const joined = join(chunks);
    expect(joined).toMatchObject({ content: "", finish: "tool_calls" });
    expect(joined.calls.map((c) => ({ name: c.name, arguments: JSON.parse(c.arguments) }))).toEqual([{ name: "get_weather", arguments: { city: "Bern" } }]);
    expect(joined.calls[0]?.arguments).toBe(tc.type === "function" ? tc.function.arguments : "");
    let answer = "";
    for await (const c of await streaming.chat.completions.create({ model, messages: history, tools: [weather], stream: true })) answer += c.choices[0]?.delta.content ?? "";
    expect(answer).toBe(ANSWER);
  });

  test(`${model}: the official SDK's runTools runs the loop over engine.fetch`, async () => {
    const call = toolCallText(model, { name: "get_weather", arguments: { city: "Bern" } });
    const engine = await engineFor(model, [call, ANSWER]);
    const client = new OpenAI({ apiKey: "local", baseURL: "http://localhost/v1", fetch: engine.fetch, dangerouslyAllowBrowser: true, maxRetries: 0 });
    const seen: unknown[] = [];
    const runner = client.chat.completions.runTools({
      model,
      messages: question,
      tools: [
        {
          type: "function",
          function: {
            name: "get_weather",
            description: weather.function.description,
            parameters: weather.function.parameters,
            parse: (text: string): { city: string } => JSON.parse(text),
            function: (args: { city: string }) => {
              seen.push(args);
              return { celsius: 21 };
            },
          },
        },
      ],
    });
    expect(await runner.finalContent()).toBe(ANSWER);
    expect(seen).toEqual([{ city: "Bern" }]);
  });
});
