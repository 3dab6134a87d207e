// LangChain's ChatOpenAI (@langchain/openai 1.5.8, @langchain/core 1.4) with useResponsesApi:
// true, on `engine.fetch` through its `configuration` (openai-node's own client options).
import { ChatOpenAI } from "@langchain/openai";
import { afterAll, expect, test } from "vitest";
import { z } from "zod";
import type { Engine } from "../../src/index.js";
import { freshDb, responsesEngine, validatingResponsesFetch, type ResponsesWorkerOptions } from "./responses-support.js";

const dbName = freshDb("langchain");
const model = "Qwen2.5-0.5B-Instruct-q4f16_1-MLC";
const engines: Engine[] = [];
afterAll(() => engines.forEach((e) => e.close()));

async function chat(fake: ResponsesWorkerOptions["fake"], streaming = false): Promise<{ llm: ChatOpenAI; settle(): Promise<number> }> {
  const engine = await responsesEngine({ dbName, fake: { models: [model], ...fake } });
  engines.push(engine);
  const checked = validatingResponsesFetch(engine.fetch);
  const llm = new ChatOpenAI({
    model,
    apiKey: "local",
    useResponsesApi: true,
    streaming,
    configuration: { baseURL: "http://localhost/v1", fetch: checked, dangerouslyAllowBrowser: true },
  });
  return { llm, settle: () => checked.settle() };
}

test("invoke", async () => {
  const { llm, settle } = await chat({ reply: "Hello from LangChain." });
  const message = await llm.invoke([
    ["system", "Be friendly."],
    ["human", "Say hello."],
  ]);
  expect(message.text).toBe("Hello from LangChain.");
  expect(message.usage_metadata?.output_tokens).toBeGreaterThan(0);
  expect(await settle()).toBe(1);
});

test("stream", async () => {
  const { llm, settle } = await chat({ reply: "Streamed by LangChain." }, true);
  let text = "";
  for await (const chunk of await llm.stream("Stream something.")) text += chunk.text;
  expect(text).toBe("Streamed by LangChain.");
  expect(await settle()).toBe(1);
});

test("a bound tool is called", async () => {
  const { llm, settle } = await chat({ reply: '<tool_call>\n{"name": "add", "arguments": {"a": 2, "b": 3}}\n</tool_call>' });
  const withTools = llm.bindTools([{ name: "add", description: "Adds two numbers", schema: z.object({ a: z.number(), b: z.number() }) }]);
  const message = await withTools.invoke("What is 2 + 3?");
  expect(message.tool_calls).toMatchObject([{ name: "add", args: { a: 2, b: 3 } }]);
  expect(await settle()).toBe(1);
});
