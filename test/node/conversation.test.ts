// Every conversation OpenAI accepts becomes one WebLLM accepts; the fake checks WebLLM's rules on
// what it receives, so these would fail on the fake exactly where they would fail on WebLLM.
import { describe, expect, test } from "vitest";
import { checkLikeWebLLM } from "../../src/backends/fake/webllm-rules.js";
import { forWebLLM } from "../../src/endpoints/chat/conversation.js";
import type { ChatCompletionMessageParam } from "../../src/index.js";
import { nodeEngine } from "../support/node-engine.js";

const shapes: [string, ChatCompletionMessageParam[]][] = [
  ["a system message in the middle", [{ role: "user", content: "hi" }, { role: "system", content: "Be brief." }, { role: "user", content: "again" }]],
  ["several system and developer messages", [{ role: "system", content: "A." }, { role: "developer", content: "B." }, { role: "user", content: "hi" }, { role: "system", content: "C." }, { role: "user", content: "x" }]],
  ["a conversation that ends with the assistant", [{ role: "user", content: "hi" }, { role: "assistant", content: "Hello" }]],
  ["several text parts", [{ role: "user", content: [{ type: "text", text: "one " }, { type: "text", text: "two" }] }]],
  ["only a system message", [{ role: "system", content: "You are terse." }]],
  ["an assistant refusal part before the last user turn", [{ role: "user", content: "x" }, { role: "assistant", content: [{ type: "refusal", refusal: "No." }] }, { role: "user", content: "why?" }]],
];

describe("conversations OpenAI accepts", () => {
  test.each(shapes)("%s passes WebLLM's rules once rewritten", (_name, messages) => {
    expect(() => checkLikeWebLLM(messages)).toThrow(); // as sent, WebLLM would refuse it …
    expect(() => checkLikeWebLLM(forWebLLM(messages))).not.toThrow(); // … and as rewritten, not.
  });

  test("system and developer messages merge, in order, into one first system message", () => {
    expect(forWebLLM(shapes[1]![1])).toEqual([
      { role: "system", content: "A.\n\nB.\n\nC." },
      { role: "user", content: "hi" },
      { role: "user", content: "x" },
    ]);
  });

  test("a conversation that ends with the assistant gets an empty user turn, so the model writes the next message", () => {
    expect(forWebLLM(shapes[2]![1]).at(-1)).toEqual({ role: "user", content: "" });
  });

  test.each(shapes)("end to end on the fake, which refuses what WebLLM refuses: %s", async (_name, messages) => {
    const ctx = await nodeEngine({ reply: "ok" });
    try {
      const r = await ctx.engine.chat.completions.create({ model: "fake-1", messages });
      expect(r.choices[0]?.message.content).toBe("ok");
    } finally {
      await ctx.close();
    }
  });

  test("the fake's reply function sees the conversation as sent, role tool included, and the prompt beside it", async () => {
    // A function reply cannot cross to the worker, so this runs the fake in this thread.
    const { fakeBackend } = await import("../../src/testing.js");
    const { validateRequest } = await import("../../src/endpoints/chat/validate.js");
    const { generateRequestFor } = await import("../../src/endpoints/chat/constraint.js");
    const seen: { last: string | undefined; prompt: string[] }[] = [];
    const backend = fakeBackend({ reply: (req) => (seen.push({ last: req.messages.at(-1)?.role, prompt: req.prompt.map((m) => m.role) }), "done") });
    const req = validateRequest({
      model: "fake-1",
      messages: [
        { role: "user", content: "Weather?" },
        { role: "assistant", content: null, tool_calls: [{ id: "call_1", type: "function", function: { name: "w", arguments: "{}" } }] },
        { role: "tool", tool_call_id: "call_1", content: "21" },
      ],
      tools: [{ type: "function", function: { name: "w" } }],
    });
    await backend.load("fake-1", { signal: new AbortController().signal, onProgress: () => {} });
    for await (const _ of backend.generate(generateRequestFor(req, backend.capabilities), new AbortController().signal));
    expect(seen[0]?.last).toBe("tool");
    expect(seen[0]?.prompt).not.toContain("tool");
  });
});
