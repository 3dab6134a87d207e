import { afterAll, beforeAll, expect, test } from "vitest";
import { nodeEngine } from "../support/node-engine.js";

let ctx: Awaited<ReturnType<typeof nodeEngine>>;
beforeAll(async () => {
  ctx = await nodeEngine({ reply: "Hello there, friend!" });
});
afterAll(() => ctx.close());

test("non-stream", async () => {
  const r = await ctx.engine.chat.completions.create({ model: "fake-1", messages: [{ role: "user", content: "hi" }] });
  expect(r.choices[0]?.message.content).toBe("Hello there, friend!");
});

test("stream", async () => {
  const s = await ctx.engine.chat.completions.create({ model: "fake-1", messages: [{ role: "user", content: "hi" }], stream: true });
  let text = "";
  for await (const c of s) text += c.choices[0]?.delta.content ?? "";
  expect(text).toBe("Hello there, friend!");
});
