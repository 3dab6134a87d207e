/**
 * Rendering properties every format must have: turn 2's rendered conversation extends turn 1's
 * exactly (WebLLM reuses its KV cache only then), every conversation OpenAI accepts renders to
 * one WebLLM accepts, and tool_choice / parallel_tool_calls reach the prompt.
 */
import { describe, expect, test } from "vitest";
import type { ChatCompletionMessageParam } from "../../src/openai/chat.js";
import { TOOL_FORMATS } from "../../src/tools/families.js";
import type { ToolFormat } from "../../src/tools/format.js";
import { llama3Format } from "../../src/tools/llama3.js";
import { mistralV3Format } from "../../src/tools/mistral.js";
import { qwen35Format } from "../../src/tools/qwen35.js";
import { HISTORY, input, RESULT, TURN1, WEATHER } from "../fixtures/tools/scenario.js";
import { CONV, webllmPrompt } from "../fixtures/tools/webllm-conv.js";

/** The conversation template each format is used with, for the acceptance checks. */
const CONV_OF: Record<string, string> = {
  "qwen2.5": "qwen2",
  qwen3: "qwen2",
  "qwen3.5": "qwen3_5",
  "hermes-2-pro": "hermes2_pro_llama3",
  "hermes-3": "hermes3_llama-3_1",
  "llama3-json": "llama-3_1",
  "mistral-v3": "mistral_default",
  ministral3: "ministral3",
  "phi4-mini": "phi-4",
  smollm2: "chatml",
  "generic-json": "gemma_instruction",
};

/** The assistant message an app sends back for a reply that was `callText` of these calls. */
function replyOf(format: ToolFormat): ChatCompletionMessageParam {
  const calls = format.parse(format.callText([{ name: "get_weather", arguments: '{"city":"Paris"}' }]));
  expect(calls).toEqual([{ name: "get_weather", arguments: '{"city":"Paris"}' }]);
  return { role: "assistant", content: null, tool_calls: [{ id: "call_a1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } }] };
}

describe("turn 2's rendering extends turn 1's", () => {
  for (const format of TOOL_FORMATS) {
    test(format.name, () => {
      const turn1 = format.render(input(TURN1));
      const turn2 = format.render(input([...TURN1, replyOf(format), RESULT]));
      // What WebLLM compares: every message before the new turn, role, name and text.
      expect(turn2.slice(0, turn1.length)).toEqual(turn1);
      expect(format.render(input(TURN1))).toEqual(turn1);
      const reply = turn2[turn1.length];
      const raw = format.callText([{ name: "get_weather", arguments: '{"city":"Paris"}' }]);
      if (format === mistralV3Format) {
        // v0.3's template writes the call's id, which the model does not: this turn is re-read.
        expect(String(reply?.content)).toMatch(/^\[TOOL_CALLS\] \[\{"name": "get_weather", "arguments": \{"city": "Paris"\}, "id": "[A-Za-z0-9]{9}"\}\]$/);
      } else if (format === qwen35Format) {
        // WebLLM's header opened the think block; a reply with no reasoning closes it first.
        expect(reply?.content).toBe(`\n</think>\n\n${raw}`);
      } else {
        expect(reply?.content).toBe(raw);
      }
    });
  }

  test("Mistral v0.3 moves the tools to the new last user turn, as its template does", () => {
    const turn1 = mistralV3Format.render(input(TURN1));
    const next = mistralV3Format.render(input(HISTORY));
    expect(next[1]).not.toEqual(turn1[1]);
    const last = next[next.length - 1] as { name?: string };
    expect(last.name).toContain("[AVAILABLE_TOOLS]");
  });

  test("unchanged app messages are handed back as the same objects", () => {
    const user = { role: "user" as const, content: "Hi" };
    const answer = { role: "assistant" as const, content: "Hello" };
    const out = qwen35Format.render(input([user, answer, { role: "user", content: "More" }]));
    expect(out).toContain(user);
    expect(llama3Format.render(input([{ role: "user", content: "Hi" }, answer, { role: "user", content: "x" }]))).toContain(answer);
  });
});

/** Conversations OpenAI accepts and WebLLM, as sent, would not. */
const AWKWARD: [string, ChatCompletionMessageParam[]][] = [
  ["a developer message", [{ role: "developer", content: "Be brief." }, { role: "user", content: "Hi" }]],
  ["a system message not first, and two of them", [{ role: "system", content: "A" }, { role: "user", content: "Hi" }, { role: "system", content: "B" }, { role: "user", content: "Again" }]],
  ["several text parts", [{ role: "user", content: [{ type: "text", text: "Hello " }, { type: "text", text: "there" }] }]],
  ["an assistant message with null content and parallel calls, then two results", [
    { role: "user", content: "Paris and Rome?" },
    { role: "assistant", content: null, tool_calls: [
      { id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } },
      { id: "call_2", type: "function", function: { name: "get_weather", arguments: '{"city":"Rome"}' } },
    ] },
    { role: "tool", tool_call_id: "call_1", content: "21" },
    { role: "tool", tool_call_id: "call_2", content: [{ type: "text", text: "24" }] },
  ]],
  ["a user name, which WebLLM would print as the role", [{ role: "user", content: "Hi", name: "alice" }]],
];

describe("every rendering is a conversation WebLLM accepts", () => {
  for (const format of TOOL_FORMATS) {
    for (const [what, messages] of AWKWARD) {
      test(`${format.name}: ${what}`, () => {
        const rendered = format.render(input(messages));
        const conv = CONV[CONV_OF[format.name] ?? ""];
        expect(conv).toBeDefined();
        const text = webllmPrompt(conv!, rendered);
        expect(rendered.filter((m) => m.role === "system").length).toBeLessThanOrEqual(1);
        expect(rendered.findIndex((m) => m.role === "system")).toBeLessThanOrEqual(0);
        for (const m of rendered) expect(typeof m.content).toBe("string");
        expect(text).not.toContain("alice");
      });
    }
  }

  test("the helper refuses what WebLLM refuses", () => {
    const conv = CONV["qwen2"]!;
    expect(() => webllmPrompt(conv, [{ role: "user", content: "a" }, { role: "system", content: "b" }, { role: "user", content: "c" }])).toThrow(/first message/);
    expect(() => webllmPrompt(conv, [{ role: "user", content: "a" }, { role: "assistant", content: "b" }])).toThrow(/Last message/);
    expect(() => webllmPrompt(conv, [{ role: "developer", content: "a" }, { role: "user", content: "b" }])).toThrow(/Unsupported role/);
    expect(() => webllmPrompt(conv, [{ role: "user", content: "a" }, { role: "assistant", content: null }, { role: "user", content: "b" }])).toThrow(/string content/);
    expect(() => webllmPrompt(conv, [{ role: "user", content: "a" }, { role: "tool", tool_call_id: "x", content: "b" }])).toThrow(/Role is not supported: tool/);
  });
});

describe("tool_choice and parallel_tool_calls reach the prompt", () => {
  const text = (format: ToolFormat, extra: Parameters<typeof input>[1]): string =>
    format.render(input(TURN1, extra)).map((m) => `${"name" in m && m.name ? m.name : ""}${String(m.content)}`).join("\n");
  for (const format of TOOL_FORMATS) {
    test(format.name, () => {
      expect(text(format, { toolChoice: "required" })).toContain("You must call at least one function.");
      expect(text(format, { toolChoice: { type: "function", function: { name: "get_weather" } } })).toContain('You must call the function "get_weather".');
      const single = text(format, { parallelToolCalls: false });
      if (format.parallel) expect(single).toContain("Call at most one function in your reply.");
      else expect(single).not.toContain("Call at most one function");
      const auto = text(format, {});
      expect(auto).not.toContain("You must call");
      expect(auto).toContain("get_weather");
      expect(text(format, { toolChoice: "none" })).not.toContain("Get the weather for a city");
      expect(text(format, { tools: [WEATHER] })).toBe(auto);
    });
  }
});
