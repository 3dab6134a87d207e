// The moderation hook's contract (it may see the whole text so far; flagged text never reaches
// the app) at a cost per delta that follows the delta: only new text crosses to the page, and the
// pieces asked in one task share one message.
import { expect, test } from "vitest";
import { Call } from "../../src/rpc/call.js";
import { CallPort } from "../../src/rpc/call-port.js";
import type { CallDownMessage } from "../../src/rpc/wire.js";
import { nodeEngine } from "../support/node-engine.js";

function pair(hook: (text: string) => boolean | Promise<boolean>) {
  const seen: string[] = [];
  const call = new Call({ calls: new Set(), moderate: (t) => (seen.push(t), hook(t)) });
  const wire: CallDownMessage[] = [];
  call.port.addEventListener("message", (ev) => wire.push((ev as MessageEvent<CallDownMessage>).data));
  return { call, port: new CallPort(call.handOff(true)), seen, wire };
}

test("only the new text crosses, however long the reply: the bytes sent grow linearly", async () => {
  const { port, seen, wire } = pair(() => false);
  const pieces = Array.from({ length: 500 }, (_, i) => ` w${i}`);
  // One piece per task, as a real model makes one token per GPU step.
  for (const p of pieces) expect(await port.moderate(p)).toBe(false);
  const sent = wire.flatMap((m) => (m.t === "moderate" ? m.texts : []));
  expect(sent).toEqual(pieces);
  expect(sent.join("").length).toBe(pieces.join("").length);
  // The hook still saw the whole text so far, each time.
  expect(seen.at(-1)).toBe(pieces.join(""));
  expect(seen[1]).toBe(pieces[0]! + pieces[1]!);
  port.close();
});

test("pieces asked in one task share one message and are still judged one by one", async () => {
  const { port, seen, wire } = pair((t) => t.includes("bad"));
  const verdicts = await Promise.all(["ok ", "fine ", "bad ", "after "].map((p) => port.moderate(p)));
  expect(verdicts).toEqual([false, false, true, true]);
  expect(wire.filter((m) => m.t === "moderate")).toHaveLength(1);
  // The hook stopped at the first flagged piece.
  expect(seen).toEqual(["ok ", "ok fine ", "ok fine bad "]);
  port.close();
});

test("a hook that throws fails the request with its error, and an abandoned call rejects its questions", async () => {
  const { port } = pair(() => {
    throw new Error("hook broke");
  });
  await expect(port.moderate("x")).rejects.toMatchObject({ status: 500, message: expect.stringContaining("hook broke") });
  const pending = port.moderate("y");
  port.close();
  await expect(pending).rejects.toMatchObject({ name: "APIUserAbortError" });
});

test("end to end at full speed: the fake's 16 tokens per task are judged one by one", async () => {
  const ctx = await nodeEngine({ reply: "one two three four five six seven eight nine bad ten" }, { moderate: (t) => t.includes("bad") });
  try {
    const stream = await ctx.engine.chat.completions.create({ model: "fake-1", messages: [{ role: "user", content: "x" }], stream: true });
    let text = "";
    let finish: string | null | undefined;
    for await (const c of stream) {
      text += c.choices[0]?.delta.content ?? "";
      finish = c.choices[0]?.finish_reason ?? finish;
    }
    expect(text).toBe("one two three four five six seven eight nine");
    expect(finish).toBe("content_filter");
  } finally {
    await ctx.close();
  }
});
