import { expect, test } from "vitest";
import { EngineUnavailableError } from "../../src/index.js";
import { nodeEngine } from "../support/node-engine.js";

// Over Node's worker_threads comlink's adapter forwards no error events and the engine holds no
// Worker object to watch, yet a terminated worker is still noticed at once: Node reports the far
// end of the heartbeat's MessagePort closing. Every pending call rejects within a second.

test("a worker_threads Worker terminated mid-stream: every pending call rejects within 1 s", async () => {
  const ctx = await nodeEngine({ tokensPerSecond: 50 });
  try {
    const stream = await ctx.engine.chat.completions.create({ model: "fake-1", messages: [{ role: "user", content: "x" }], stream: true, max_tokens: 500 });
    const reader = stream[Symbol.asyncIterator]();
    await reader.next();
    const queued = ctx.engine.chat.completions.create({ model: "fake-1", messages: [{ role: "user", content: "y" }] });
    const started = performance.now();
    const readRest = async (): Promise<void> => {
      for (;;) if ((await reader.next()).done) return;
    };
    const settled = Promise.allSettled([readRest(), queued]);
    await ctx.worker.terminate();
    const outcomes = await settled;
    expect(performance.now() - started).toBeLessThan(1_000);
    expect((outcomes[0] as PromiseRejectedResult).reason.message).toMatch(/heartbeat closed/);
    for (const o of outcomes) {
      expect(o.status).toBe("rejected");
      expect((o as PromiseRejectedResult).reason).toBeInstanceOf(EngineUnavailableError);
      expect((o as PromiseRejectedResult).reason).toMatchObject({ code: "worker_crashed" });
    }
  } finally {
    await ctx.close();
  }
});
