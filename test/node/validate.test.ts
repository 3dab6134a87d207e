import { describe, expect, test } from "vitest";
import { BadRequestError } from "../../src/errors/classes.js";
import { validateRequest } from "../../src/endpoints/chat/validate.js";
import { contentText } from "../../src/openai/content.js";

const base = { model: "fake-1", messages: [{ role: "user", content: "hi" }] };
const tool = { type: "function", function: { name: "get_weather", parameters: { type: "object" } } };

// Each row: a name, the invalid request, and the `param` OpenAI would name.
const invalid: [string, unknown, string | null][] = [
  ["body is not an object", "hello", null],
  ["body is an array", [base], null],
  ["model missing", { messages: base.messages }, "model"],
  ["model is a number", { ...base, model: 42 }, "model"],
  ["model is empty", { ...base, model: "" }, "model"],
  ["messages missing", { model: "fake-1" }, "messages"],
  ["messages not an array", { ...base, messages: "hi" }, "messages"],
  ["messages empty", { ...base, messages: [] }, "messages"],
  ["message is null", { ...base, messages: [null] }, "messages[0]"],
  ["unknown role", { ...base, messages: [{ role: "wizard", content: "hi" }] }, "messages[0].role"],
  ["user content missing", { ...base, messages: [{ role: "user" }] }, "messages[0].content"],
  ["user content is a number", { ...base, messages: [{ role: "user", content: 7 }] }, "messages[0].content"],
  ["image part", { ...base, messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: "x" } }] }] }, "messages[0].content[0].type"],
  ["text part without text", { ...base, messages: [{ role: "user", content: [{ type: "text" }] }] }, "messages[0].content[0].text"],
  ["tool message without id", { ...base, messages: [{ role: "tool", content: "42" }] }, "messages[0].tool_call_id"],
  ["assistant with neither", { ...base, messages: [{ role: "assistant" }] }, "messages[0].content"],
  ["assistant tool_calls bad", { ...base, messages: [{ role: "assistant", tool_calls: [{ id: "a", type: "function", function: { name: "f" } }] }] }, "messages[0].tool_calls[0].function.arguments"],
  ["name not a string", { ...base, messages: [{ role: "user", content: "hi", name: 3 }] }, "messages[0].name"],
  ["refusal part in a user message", { ...base, messages: [{ role: "user", content: [{ type: "refusal", refusal: "no" }] }] }, "messages[0].content[0].type"],
  ["assistant refusal part without text", { ...base, messages: [{ role: "assistant", content: [{ type: "refusal" }] }] }, "messages[0].content[0].refusal"],
  ["assistant refusal not a string", { ...base, messages: [{ role: "assistant", content: "x", refusal: 3 }] }, "messages[0].refusal"],
  ["assistant audio", { ...base, messages: [{ role: "assistant", content: null, audio: { id: "audio_1" } }] }, "messages[0].audio"],
  ["assistant function_call", { ...base, messages: [{ role: "assistant", content: null, function_call: { name: "f", arguments: "{}" } }] }, "messages[0].function_call"],
  ["temperature too high", { ...base, temperature: 2.5 }, "temperature"],
  ["temperature negative", { ...base, temperature: -0.1 }, "temperature"],
  ["temperature string", { ...base, temperature: "0.7" }, "temperature"],
  ["temperature NaN", { ...base, temperature: Number.NaN }, "temperature"],
  ["top_p too high", { ...base, top_p: 1.5 }, "top_p"],
  ["max_tokens zero", { ...base, max_tokens: 0 }, "max_tokens"],
  ["max_tokens fractional", { ...base, max_tokens: 2.5 }, "max_tokens"],
  ["max_completion_tokens negative", { ...base, max_completion_tokens: -1 }, "max_completion_tokens"],
  ["max_tokens disagree", { ...base, max_tokens: 5, max_completion_tokens: 6 }, "max_tokens"],
  ["stream not boolean", { ...base, stream: "yes" }, "stream"],
  ["stream_options without stream", { ...base, stream_options: { include_usage: true } }, "stream_options"],
  ["stream_options unknown key", { ...base, stream: true, stream_options: { foo: 1 } }, "stream_options.foo"],
  ["include_usage not boolean", { ...base, stream: true, stream_options: { include_usage: 1 } }, "stream_options.include_usage"],
  ["stop too many", { ...base, stop: ["a", "b", "c", "d", "e"] }, "stop"],
  ["stop empty string", { ...base, stop: "" }, "stop"],
  ["stop number", { ...base, stop: 5 }, "stop"],
  ["presence_penalty range", { ...base, presence_penalty: 3 }, "presence_penalty"],
  ["frequency_penalty range", { ...base, frequency_penalty: -2.1 }, "frequency_penalty"],
  ["seed not integer", { ...base, seed: 1.5 }, "seed"],
  ["seed string", { ...base, seed: "42" }, "seed"],
  ["n = 2", { ...base, n: 2 }, "n"],
  ["n = 0", { ...base, n: 0 }, "n"],
  ["top_logprobs without logprobs", { ...base, top_logprobs: 3 }, "top_logprobs"],
  ["top_logprobs too many", { ...base, logprobs: true, top_logprobs: 21 }, "top_logprobs"],
  ["logprobs not boolean", { ...base, logprobs: "true" }, "logprobs"],
  ["logit_bias bad key", { ...base, logit_bias: { hello: 5 } }, "logit_bias"],
  ["logit_bias out of range", { ...base, logit_bias: { "50256": -101 } }, "logit_bias"],
  ["response_format unknown", { ...base, response_format: { type: "xml" } }, "response_format.type"],
  ["json_object without 'json'", { ...base, response_format: { type: "json_object" } }, "messages"],
  ["json_schema without name", { ...base, response_format: { type: "json_schema", json_schema: {} } }, "response_format.json_schema.name"],
  ["tools not array", { ...base, tools: tool }, "tools"],
  ["tool bad type", { ...base, tools: [{ ...tool, type: "retrieval" }] }, "tools[0].type"],
  ["tool bad name", { ...base, tools: [{ type: "function", function: { name: "has space" } }] }, "tools[0].function.name"],
  ["tool parameters not object", { ...base, tools: [{ type: "function", function: { name: "f", parameters: "x" } }] }, "tools[0].function.parameters"],
  ["tool_choice without tools", { ...base, tool_choice: "auto" }, "tool_choice"],
  ["tool_choice unknown function", { ...base, tools: [tool], tool_choice: { type: "function", function: { name: "nope" } } }, "tool_choice"],
  ["tool_choice bad string", { ...base, tools: [tool], tool_choice: "sometimes" }, "tool_choice"],
  ["user not string", { ...base, user: 12 }, "user"],
  ["unknown field", { ...base, temprature: 0.5 }, "temprature"],
  ["unsupported field", { ...base, store: true }, "store"],
];

describe("validateRequest rejects", () => {
  test("the table has at least 30 rows", () => expect(invalid.length).toBeGreaterThanOrEqual(30));
  test.each(invalid)("%s", (_name, body, param) => {
    let caught: unknown;
    try {
      validateRequest(body);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(BadRequestError);
    const e = caught as BadRequestError;
    expect(e.status).toBe(400);
    expect(e.type).toBe("invalid_request_error");
    expect(e.param).toBe(param);
    expect(e.message.length).toBeGreaterThan(10);
  });
});

describe("validateRequest accepts and normalizes", () => {
  test("defaults", () => {
    const r = validateRequest(base);
    expect(r).toMatchObject({ temperature: 1, top_p: 1, max_tokens: null, stop: [], stream: false, include_usage: false, tool_choice: "none" });
  });
  test("nulls mean absent, max_completion_tokens wins, stop string becomes a list", () => {
    const r = validateRequest({ ...base, temperature: null, max_completion_tokens: 7, stop: "END", seed: 0, user: "u1" });
    expect(r).toMatchObject({ temperature: 1, max_tokens: 7, stop: ["END"], seed: 0 });
  });
  test("tools default tool_choice to auto", () => {
    expect(validateRequest({ ...base, tools: [tool] }).tool_choice).toBe("auto");
  });
  test("text parts and a json_object request that mentions JSON", () => {
    const r = validateRequest({
      model: "m",
      messages: [{ role: "user", content: [{ type: "text", text: "Answer in JSON" }] }],
      response_format: { type: "json_object" },
    });
    expect(r.response_format).toEqual({ type: "json_object" });
  });
  test("an assistant's earlier refusal, as a part or as the field, goes back into the prompt as its text", () => {
    const r = validateRequest({
      ...base,
      messages: [
        { role: "user", content: "hi" },
        { role: "assistant", content: [{ type: "text", text: "I " }, { type: "refusal", refusal: "cannot." }] },
        { role: "assistant", content: null, refusal: "No.", audio: null, function_call: null },
        { role: "user", content: "ok" },
      ],
    });
    expect(r.messages[2]).toMatchObject({ role: "assistant", content: "No." });
    expect(contentText(r.messages[1]?.content)).toBe("I cannot.");
  });
  test("include_usage with stream", () => {
    expect(validateRequest({ ...base, stream: true, stream_options: { include_usage: true } }).include_usage).toBe(true);
  });
});
