// tool_choice enforced by the grammar, not the prompt: what reaches WebLLM's chatCompletion, the
// grammar compiled by WebLLM's own engine (web-xgrammar), and the fake, which honours the same
// constraint and refuses what a constrained engine could not write.
import { describe, expect, test } from "vitest";
import { toWebLLMRequest } from "../../src/backends/webllm/request.js";
import { generateRequestFor } from "../../src/endpoints/chat/constraint.js";
import { validateRequest } from "../../src/endpoints/chat/validate.js";
import { fakeBackend, toolCallText } from "../../src/testing.js";
import { TOOL_FORMATS, toolFormatFor } from "../../src/tools/families.js";
import { compileEBNF, compileTag } from "./grammar-xgrammar.js";
import { nodeEngine } from "../support/node-engine.js";
import type { BackendCapabilities } from "../../src/backends/backend.js";

const weather = { type: "function" as const, function: { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"], additionalProperties: false } } };
const time = { type: "function" as const, function: { name: "get_time", parameters: { type: "object", properties: {} } } };
const caps: BackendCapabilities = { jsonObject: true, jsonSchema: true, logprobs: true, grammar: true, vision: false, embeddings: false };
const ask = (model: string, extra: Record<string, unknown>) =>
  validateRequest({ model, messages: [{ role: "user", content: "Weather in Bern?" }], tools: [weather, time], ...extra });

/** One id per tool format among WebLLM's prebuilt models. */
const QWEN = "Qwen2.5-1.5B-Instruct-q4f16_1-MLC";
const LLAMA = "Llama-3.2-1B-Instruct-q4f32_1-MLC";

describe("the request WebLLM receives", () => {
  test("tool_choice 'required': a grammar, and never tools (WebLLM refuses them with a response_format)", async () => {
    const req = toWebLLMRequest(QWEN, generateRequestFor(ask(QWEN, { tool_choice: "required" }), caps));
    expect(req).not.toHaveProperty("tools");
    expect(req).not.toHaveProperty("tool_choice");
    expect(req.response_format).toMatchObject({ type: "grammar", grammar: expect.stringContaining("get_weather") });
    const m = await compileEBNF((req.response_format as { grammar: string }).grammar);
    expect(m.accepts(toolCallText(QWEN, { name: "get_weather", arguments: { city: "Bern" } }))).toBe(true);
    expect(m.accepts("The weather is fine.")).toBe(false);
    expect(m.accepts(toolCallText(QWEN, { name: "get_weather", arguments: { town: "Bern" } }))).toBe(false);
  });

  test("a named function: only that function, with arguments that match its schema", async () => {
    const req = toWebLLMRequest(LLAMA, generateRequestFor(ask(LLAMA, { tool_choice: { type: "function", function: { name: "get_time" } } }), caps));
    const m = await compileEBNF((req.response_format as { grammar: string }).grammar);
    expect(m.accepts(toolCallText(LLAMA, { name: "get_time", arguments: {} }))).toBe(true);
    expect(m.accepts(toolCallText(LLAMA, { name: "get_weather", arguments: { city: "Bern" } }))).toBe(false);
  });

  test("tool_choice 'auto': a structural tag that holds a call once begun, text free", async () => {
    const req = toWebLLMRequest(QWEN, generateRequestFor(ask(QWEN, {}), caps));
    expect(req.response_format).toMatchObject({ type: "structural_tag", structural_tag: { type: "structural_tag", format: { type: "triggered_tags" } } });
    const m = await compileTag((req.response_format as { structural_tag: object }).structural_tag);
    expect(m.accepts("Let me look that up.")).toBe(true);
    expect(m.accepts(`Sure. ${toolCallText(QWEN, { name: "get_weather", arguments: { city: "Bern" } })}`)).toBe(true);
    expect(m.accepts('<tool_call>\n{"name": "get_weather", "arguments": {"town": 1}}\n</tool_call>')).toBe(false);
  });

  test("json_object goes as our grammar (0.2.86 cannot compile a bare json_object); json_schema keeps WebLLM's schema rewrite", async () => {
    const json = toWebLLMRequest(QWEN, generateRequestFor(validateRequest({ model: QWEN, messages: [{ role: "user", content: "JSON please" }], response_format: { type: "json_object" } }), caps));
    expect(json.response_format).toMatchObject({ type: "grammar" });
    const m = await compileEBNF((json.response_format as { grammar: string }).grammar);
    expect(m.accepts('{"a": 1}')).toBe(true);
    expect(m.accepts("[1, 2]")).toBe(false);
    const schema = { type: "object", properties: { a: { type: "integer" } }, required: ["a"] };
    const js = toWebLLMRequest(QWEN, generateRequestFor(validateRequest({ model: QWEN, messages: [{ role: "user", content: "x" }], response_format: { type: "json_schema", json_schema: { name: "s", schema } } }), caps));
    expect(js.response_format).toEqual({ type: "json_object", schema: JSON.stringify(schema) });
  });

  test("without grammar support, or for a family with no call grammar yet, a forced tool_choice is a 400 naming it", () => {
    expect(() => generateRequestFor(ask(QWEN, { tool_choice: "required" }), { ...caps, grammar: false })).toThrow(expect.objectContaining({ status: 400, param: "tool_choice" }));
    const ministral = TOOL_FORMATS.find((f) => f.name === "ministral3");
    expect(ministral).toBeDefined();
    expect(() => generateRequestFor(ask("Ministral-3-3B-Instruct-2512-BF16-q4f16_1-MLC", { tool_choice: "required" }), caps)).toThrow(expect.objectContaining({ status: 400, param: "tool_choice" }));
  });

  test("a schema the grammar cannot hold is a 400 naming response_format, before anything is queued", () => {
    for (const schema of [{ type: "nonsense" }, { $ref: "#/$defs/missing" }]) {
      expect(() => validateRequest({ model: QWEN, messages: [{ role: "user", content: "x" }], response_format: { type: "json_schema", json_schema: { name: "s", schema } } })).toThrow(
        expect.objectContaining({ status: 400, param: "response_format" }),
      );
    }
  });
});

describe("the fake under the same constraint", () => {
  test("unscripted, tool_choice 'required' writes a valid call in each grammar-ready family's format", async () => {
    for (const model of [QWEN, LLAMA, "Phi-4-mini-instruct-q4f16_1-MLC", "Mistral-7B-Instruct-v0.3-q4f16_1-MLC", "fake-1"]) {
      const ctx = await nodeEngine({ models: [model] });
      try {
        const r = await ctx.engine.chat.completions.create({ model, messages: [{ role: "user", content: "x" }], tools: [weather], tool_choice: "required", seed: 3 });
        expect(r.choices[0]?.finish_reason, model).toBe("tool_calls");
        const call = r.choices[0]?.message.tool_calls?.[0];
        expect(call?.type === "function" && call.function.name).toBe("get_weather");
        expect(JSON.parse(call?.type === "function" ? call.function.arguments : "")).toMatchObject({ city: expect.any(String) });
        expect(toolFormatFor(model)?.name).toBeTruthy();
      } finally {
        await ctx.close();
      }
    }
  });

  test("a scripted reply that no grammar could have written under tool_choice is refused, saying why", async () => {
    const ctx = await nodeEngine({ models: [QWEN], reply: "I would rather chat." });
    try {
      const err = await ctx.engine.chat.completions.create({ model: QWEN, messages: [{ role: "user", content: "x" }], tools: [weather], tool_choice: "required" }).catch((e: unknown) => e);
      expect(err).toMatchObject({ status: 400, param: "tool_choice", message: expect.stringContaining("makes no call") });
    } finally {
      await ctx.close();
    }
  });

  test("parallel_tool_calls: true lets the model make several calls; false keeps one", async () => {
    const two = [toolCallText(QWEN, [{ name: "get_weather", arguments: { city: "Bern" } }, { name: "get_time" }])];
    for (const parallel of [true, false]) {
      const ctx = await nodeEngine({ models: [QWEN], reply: two });
      try {
        const r = await ctx.engine.chat.completions.create({ model: QWEN, messages: [{ role: "user", content: "x" }], tools: [weather, time], parallel_tool_calls: parallel });
        expect(r.choices[0]?.message.tool_calls?.map((c) => (c.type === "function" ? c.function.name : ""))).toEqual(parallel ? ["get_weather", "get_time"] : ["get_weather"]);
      } finally {
        await ctx.close();
      }
    }
  });

  test("temperature 0 ignores the seed, as greedy decoding does", async () => {
    const backend = fakeBackend();
    const text = async (seed: number) => {
      let out = "";
      const req = generateRequestFor(validateRequest({ model: "fake-1", messages: [{ role: "user", content: "x" }], temperature: 0, seed }), caps);
      await backend.load("fake-1", { signal: new AbortController().signal, onProgress: () => {} });
      for await (const ev of backend.generate(req, new AbortController().signal)) if (ev.type === "delta") out += ev.text;
      return out;
    };
    expect(await text(1)).toBe(await text(2));
  });
});
