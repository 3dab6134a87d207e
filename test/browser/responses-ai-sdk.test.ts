// The Vercel AI SDK (ai 6.0 with @ai-sdk/openai 3.0) with its default provider: `openai(id)`
// speaks the Responses API. Only `baseURL`, an API key and `fetch: engine.fetch` are set;
// everything else is the SDK's default. The fake backend serves a real model id in a real Worker.
import { createOpenAI } from "@ai-sdk/openai";
import { generateObject, generateText, stepCountIs, streamText, tool } from "ai";
import { afterAll, afterEach, expect, test } from "vitest";
import { z } from "zod";
import type { Engine } from "../../src/index.js";
import { freshDb, responsesEngine, validatingResponsesFetch, type ResponsesWorkerOptions } from "./responses-support.js";

const dbName = freshDb("ai-sdk");
const model = "Qwen2.5-0.5B-Instruct-q4f16_1-MLC";
const engines: Engine[] = [];
const checks: ReturnType<typeof validatingResponsesFetch>[] = [];
afterAll(() => engines.forEach((e) => e.close()));
afterEach(async () => {
  for (const c of checks.splice(0)) expect(await c.settle()).toBeGreaterThan(0);
});

/** The SDK's default provider on a fresh engine: `openai(id)` is its Responses API model. */
async function provider(fake: ResponsesWorkerOptions["fake"]): Promise<ReturnType<typeof createOpenAI>> {
  const engine = await responsesEngine({ dbName, fake: { models: [model], ...fake } });
  engines.push(engine);
  const checked = validatingResponsesFetch(engine.fetch);
  checks.push(checked);
  return createOpenAI({ apiKey: "local", baseURL: "http://localhost/v1", fetch: checked });
}

test("generateText", async () => {
  const openai = await provider({ reply: "Hello from the Responses API." });
  const result = await generateText({ model: openai(model), prompt: "Say hello." });
  expect(result.text).toBe("Hello from the Responses API.");
  expect(result.finishReason).toBe("stop");
  expect(result.usage.outputTokens).toBeGreaterThan(0);
  expect(result.response.id).toMatch(/^resp_/);
});

test("streamText", async () => {
  const openai = await provider({ reply: "Streamed, piece by piece." });
  const result = streamText({ model: openai(model), system: "Be brief.", prompt: "Stream something." });
  let text = "";
  for await (const part of result.textStream) text += part;
  expect(text).toBe("Streamed, piece by piece.");
  expect(await result.finishReason).toBe("stop");
});

test("a tool round trip", async () => {
  const openai = await provider({
    reply: ['<tool_call>\n{"name": "weather", "arguments": {"city": "Bern"}}\n</tool_call>', "It is 21 degrees in Bern."],
  });
  const calls: string[] = [];
  const result = await generateText({
    model: openai(model),
    prompt: "How warm is it in Bern?",
    tools: {
      weather: tool({
        description: "The temperature in a city",
        inputSchema: z.object({ city: z.string() }),
        execute: async ({ city }) => {
          calls.push(city);
          return { city, celsius: 21 };
        },
      }),
    },
    stopWhen: stepCountIs(2),
  });
  expect(calls).toEqual(["Bern"]);
  expect(result.steps).toHaveLength(2);
  expect(result.text).toBe("It is 21 degrees in Bern.");
});

test("generateObject", async () => {
  const openai = await provider({});
  const { object } = await generateObject({
    model: openai(model),
    schema: z.object({ name: z.string(), population: z.number().int() }),
    prompt: "A city and its population.",
  });
  expect(typeof object.name).toBe("string");
  expect(Number.isInteger(object.population)).toBe(true);
});
