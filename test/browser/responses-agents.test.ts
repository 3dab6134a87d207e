// The OpenAI Agents SDK (@openai/agents 0.14) with its default model, which speaks the Responses
// API, running an Agent with a function tool. The only change from its defaults is the client:
// openai-node on `engine.fetch` (setDefaultOpenAIClient), and tracing off (it would post traces
// to OpenAI's servers).
import { Agent, run, setDefaultOpenAIClient, setTracingDisabled, tool } from "@openai/agents";
import OpenAI from "openai";
import { afterAll, expect, test } from "vitest";
import { z } from "zod";
import { freshDb, responsesEngine, validatingResponsesFetch } from "./responses-support.js";

const model = "Qwen2.5-0.5B-Instruct-q4f16_1-MLC";
const engine = await responsesEngine({
  dbName: freshDb("agents"),
  fake: { models: [model], reply: ['<tool_call>\n{"name": "get_time", "arguments": {"city": "Tokyo"}}\n</tool_call>', "It is 9:00 in Tokyo."] },
});
afterAll(() => engine.close());

test("an Agent with a function tool, through run()", async () => {
  const checked = validatingResponsesFetch(engine.fetch);
  setDefaultOpenAIClient(new OpenAI({ apiKey: "local", baseURL: "http://localhost/v1", fetch: checked, dangerouslyAllowBrowser: true }));
  setTracingDisabled(true);
  const asked: string[] = [];
  const agent = new Agent({
    name: "Clock",
    instructions: "Answer with the local time.",
    model,
    tools: [
      tool({
        name: "get_time",
        description: "The local time in a city",
        parameters: z.object({ city: z.string() }),
        execute: async ({ city }) => {
          asked.push(city);
          return "09:00";
        },
      }),
    ],
  });
  const result = await run(agent, "What time is it in Tokyo?");
  expect(asked).toEqual(["Tokyo"]);
  expect(result.finalOutput).toBe("It is 9:00 in Tokyo.");
  expect(await checked.settle()).toBe(2);
});
