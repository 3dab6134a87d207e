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

test("with a factory, calls that find the worker dead share one fresh worker, configured again", async () => {
  const nodeEndpoint = (await import("comlink/dist/esm/node-adapter.mjs")).default;
  const { Worker } = await import("node:worker_threads");
  const { createEngine } = await import("../../src/index.js");
  const workers: InstanceType<typeof Worker>[] = [];
  const factory = () => {
    const w = new Worker(new URL("../fixtures/node-boot.mjs", import.meta.url), {
      workerData: { entry: new URL("../fixtures/node-fake-worker.ts", import.meta.url).href, fake: { reply: "hello" } },
    });
    workers.push(w);
    return nodeEndpoint(w);
  };
  const flagged: string[] = [];
  const engine = await createEngine({ worker: factory, moderate: (t) => (flagged.push(t), false) });
  try {
    await engine.chat.completions.create({ model: "fake-1", messages: [{ role: "user", content: "x" }] });
    await workers[0]?.terminate();
    await expect.poll(async () => (await engine.stats()).workerAlive).toBe(false);
    const replies = await Promise.all(
      [1, 2, 3].map(() => engine.chat.completions.create({ model: "fake-1", messages: [{ role: "user", content: "x" }] })),
    );
    expect(replies.map((r) => r.choices[0]?.message.content)).toEqual(["hello", "hello", "hello"]);
    // One restart for the three calls, and the new worker got the moderate hook again.
    expect(workers).toHaveLength(2);
    expect(flagged.length).toBeGreaterThan(1);
  } finally {
    engine.close();
    await Promise.all(workers.map((w) => w.terminate()));
  }
});
