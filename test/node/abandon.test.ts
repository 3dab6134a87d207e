// A request that its backend never ends, even after an abort (WebLLM 0.2.79 awaits a promise that
// never settles when its grammar set-up throws), must not hold the lane for ever: the lane gives
// up on it `abortTimeoutMs` after the abort, the backend drops what it holds, the next request
// loads again and gets its answer, and the stuck request's late failure changes nothing.
import { expect, test } from "vitest";
import { fakeBackend } from "../../src/testing.js";
import type { Backend } from "../../src/backends/backend.js";
import { Beacon } from "../../src/rpc/beacon.js";
import { Host } from "../../src/runtime/host.js";
import { Lane } from "../../src/runtime/lane.js";
import { Queue } from "../../src/runtime/queue.js";
import { EngineUnavailableError } from "../../src/errors/classes.js";
import type { PulseDownMessage } from "../../src/rpc/wire.js";

/**
 * The fake, except that a request saying "hang" waits for ever, deaf to its signal, until `fail`
 * ends it, and so does a load of "stuck-1" until `finishLoad`.
 */
function stuckBackend() {
  const inner = fakeBackend({ models: ["fake-1", "stuck-1"] });
  let finishLoad: () => void = () => {};
  const log: string[] = [];
  let fail: (err: Error) => void = () => {};
  const backend: Backend = {
    ...inner,
    async load(model, ctx) {
      log.push(model === "stuck-1" ? "load stuck-1" : "load");
      if (model === "stuck-1") {
        await new Promise<void>((resolve) => (finishLoad = resolve));
        // Deaf to its abort, it reports progress late, as a stuck backend would.
        ctx.onProgress({ model, phase: "upload", progress: 0.5, text: "late", elapsed_ms: 1 });
      }
      await inner.load(model, ctx);
    },
    abandon() {
      log.push("abandon");
    },
    async *generate(request, signal) {
      const last = request.conversation.at(-1)?.content;
      if (last === "hang") {
        log.push("hang");
        await new Promise<never>((_, reject) => (fail = reject));
      }
      yield* inner.generate(request, signal);
    },
  };
  return { backend, log, fail: (err: Error) => fail(err), finishLoad: () => finishLoad() };
}

function setUp(abortTimeoutMs: number) {
  const stuck = stuckBackend();
  const beacon = new Beacon();
  const lane = new Lane(stuck.backend, beacon);
  lane.queue.abortTimeoutMs = abortTimeoutMs;
  const host = new Host(async () => lane, beacon);
  const pulses: PulseDownMessage[] = [];
  const heart = new MessageChannel();
  heart.port1.onmessage = (ev: MessageEvent<PulseDownMessage>) => void pulses.push(ev.data);
  beacon.watch(heart.port2);
  /** Starts a chat call; its port answers "result", "error" or "chunk" messages. */
  const call = (content: string, stream = false, model = "fake-1") => {
    const ch = new MessageChannel();
    const seen: string[] = [];
    const done = new Promise<string>((resolve) => {
      ch.port1.onmessage = (ev: MessageEvent<{ t: string }>) => {
        seen.push(ev.data.t);
        if (ev.data.t === "result" || ev.data.t === "error" || ev.data.t === "end") resolve(ev.data.t);
      };
    });
    ch.port1.postMessage({ t: "credit", n: 1_000 });
    host.call("chat.completions.create", { model, messages: [{ role: "user", content }], max_tokens: 3, stream }, ch.port2);
    return { cancel: () => ch.port1.postMessage({ t: "cancel" }), done, seen, close: () => (ch.port1.close(), heart.port1.close()) };
  };
  return { ...stuck, lane, call, pulses, heart };
}

test("the lane gives up on an aborted request that never ends, reloads, and answers the next one", async () => {
  const t = setUp(50);
  expect(await t.call("warm up").done).toBe("result");
  const stuck = t.call("hang", true);
  await expect.poll(() => t.log.includes("hang")).toBe(true);
  stuck.cancel();
  const next = t.call("hi");
  expect(await next.done).toBe("result");
  // In this order: the abandon frees the lane, then the next request loads again.
  expect(t.log).toEqual(["load", "hang", "abandon", "load"]);
  expect(t.lane.loaded).toBe("fake-1");
  // The stuck request's busy window was closed: the pages' heartbeat is strict again.
  await expect.poll(() => t.pulses.filter((p) => p.t === "busy" || p.t === "ready").at(-1)).toEqual({ t: "ready" });

  // Its late failure, even one that names a lost device, touches neither the model nor the status.
  t.fail(new EngineUnavailableError("The GPU device was lost.", "device_lost"));
  await new Promise((r) => setTimeout(r, 20));
  expect(t.lane.loaded).toBe("fake-1");
  expect(t.lane.beacon.status).toEqual({ state: "ready", model: "fake-1" });
  expect(await t.call("again").done).toBe("result");
  expect(t.log.filter((l) => l === "load")).toHaveLength(2);
  next.close();
});

test("without the timeout (Infinity), the same stuck request holds the next one: the fault the guard is for", async () => {
  const t = setUp(Infinity);
  const stuck = t.call("hang", true);
  await expect.poll(() => t.log.includes("hang")).toBe(true);
  stuck.cancel();
  const next = t.call("hi");
  const outcome = await Promise.race([next.done, new Promise((r) => setTimeout(() => r("still waiting"), 300))]);
  expect(outcome).toBe("still waiting");
  expect(t.log).toEqual(["load", "hang"]);
  // Ending the stuck request lets the next one run, without a reload.
  t.fail(new Error("released"));
  expect(await next.done).toBe("result");
  expect(t.log).toEqual(["load", "hang"]);
  next.close();
});

test("a load abandoned after its abort, when it reports and ends late, changes neither the loaded model nor the status", async () => {
  const t = setUp(50);
  const stuck = t.call("x", false, "stuck-1");
  await expect.poll(() => t.log.includes("load stuck-1")).toBe(true);
  stuck.cancel();
  expect(await t.call("hi").done).toBe("result");
  expect(t.log).toEqual(["load stuck-1", "abandon", "load"]);
  t.finishLoad();
  await new Promise((r) => setTimeout(r, 20));
  expect(t.lane.loaded).toBe("fake-1");
  expect(t.lane.beacon.status).toEqual({ state: "ready", model: "fake-1" });
});

test("the queue: a running job is abandoned only after its abort and the timeout, and its late end starts nothing", async () => {
  const q = new Queue();
  q.abortTimeoutMs = 20;
  let abandoned = 0;
  q.onAbandon = () => void abandoned++;
  const order: string[] = [];
  let endStuck: () => void = () => {};
  const ctl = new AbortController();
  const stuck = q.push(() => new Promise<void>((resolve) => (order.push("stuck"), (endStuck = resolve))), ctl.signal);
  stuck.catch(() => undefined);
  const gates: (() => void)[] = [];
  const job = (name: string) => () => new Promise<void>((resolve) => (order.push(name), gates.push(resolve)));
  const second = q.push(job("second"), new AbortController().signal);
  const third = q.push(job("third"), new AbortController().signal);
  // Not aborted: no timeout runs, however long the job takes.
  await new Promise((r) => setTimeout(r, 60));
  expect({ order, abandoned }).toEqual({ order: ["stuck"], abandoned: 0 });
  ctl.abort();
  await expect.poll(() => order).toEqual(["stuck", "second"]);
  expect(abandoned).toBe(1);
  // The abandoned job ends late while "second" runs: "third" must still wait for "second".
  endStuck();
  await new Promise((r) => setTimeout(r, 20));
  expect(order).toEqual(["stuck", "second"]);
  gates.shift()?.();
  await second;
  await expect.poll(() => order).toEqual(["stuck", "second", "third"]);
  gates.shift()?.();
  await third;
  await expect.poll(() => q.running).toBe(0);
});

test.each([-1, Number.NaN, "60000", null])("serve() refuses abortTimeoutMs %s with a TypeError naming it", async (bad) => {
  const { serve } = await import("../../src/worker.js");
  const ch = new MessageChannel();
  expect(() => serve({ backend: fakeBackend(), endpoint: ch.port2, abortTimeoutMs: bad as number })).toThrow(/abortTimeoutMs must be a number of milliseconds >= 0/);
  ch.port1.close();
});

test.each([0, 1_000, Infinity])("serve() takes abortTimeoutMs %s", async (ok) => {
  const { serve } = await import("../../src/worker.js");
  const ch = new MessageChannel();
  expect(() => serve({ backend: fakeBackend(), endpoint: ch.port2, abortTimeoutMs: ok })).not.toThrow();
  ch.port1.close();
  ch.port2.close();
});
