// The leak counters must be able to fail: `listeners` counts abort listeners really registered
// and not yet removed (it used to be the queue's length under another name, so it always
// equalled `queued` and no leak assertion could fail on its own).
import { expect, test } from "vitest";
import { fakeBackend } from "../../src/testing.js";
import { Host } from "../../src/runtime/host.js";
import { Lane } from "../../src/runtime/lane.js";
import { onAbort } from "../../src/util/abort.js";
import type { HostStats, Reply } from "../../src/rpc/wire.js";

const stats = async (host: Host): Promise<HostStats> => {
  const reply: Reply<HostStats> = await host.stats();
  if (!reply.ok) throw new Error(reply.error.message);
  return reply.value;
};

test("a deliberately leaked abort listener makes stats().listeners non-zero; removing it brings it back", async () => {
  const host = new Host(async () => new Lane(fakeBackend()));
  const before = await stats(host);
  const leaked = onAbort(new AbortController().signal, () => {});
  expect((await stats(host)).listeners).toBe(before.listeners + 1);
  expect((await stats(host)).queued).toBe(before.queued);
  leaked();
  leaked(); // removing twice is safe and counts once
  expect((await stats(host)).listeners).toBe(before.listeners);
});

test("listeners follow real registrations: one per queued job and per running pipeline, none after", async () => {
  const lane = new Lane(fakeBackend({ reply: "word ".repeat(200), tokensPerSecond: 200 }));
  const host = new Host(async () => lane);
  const ports: MessageChannel[] = [];
  const start = (body: Record<string, unknown>): MessageChannel => {
    const ch = new MessageChannel();
    ports.push(ch);
    ch.port1.onmessage = () => {};
    ch.port1.postMessage({ t: "credit", n: 1_000 });
    host.call("chat.completions.create", { model: "fake-1", messages: [{ role: "user", content: "x" }], stream: true, ...body }, ch.port2);
    return ch;
  };
  start({});
  start({});
  start({});
  // One running (its pipeline listens to the call's signal), two waiting (one listener each).
  await expect.poll(async () => (await stats(host)).queued).toBe(2);
  const busy = await stats(host);
  expect(busy.running).toBe(1);
  expect(busy.listeners).toBeGreaterThanOrEqual(3);
  for (const ch of ports) ch.port1.postMessage({ t: "cancel" });
  await expect.poll(() => stats(host)).toMatchObject({ listeners: 0, queued: 0, running: 0, openPorts: 0 });
  for (const ch of ports) ch.port1.close();

  // Requests that run to the end (nothing aborts, so no listener removes itself) leave none.
  const done = await Promise.all(
    [1, 2].map(
      (n) =>
        new Promise<string>((resolve) => {
          const ch = new MessageChannel();
          ch.port1.onmessage = (ev: MessageEvent<{ t: string }>) => {
            if (ev.data.t !== "result") return;
            ch.port1.close();
            resolve(ev.data.t);
          };
          host.call("chat.completions.create", { model: "fake-1", messages: [{ role: "user", content: "x" }], max_tokens: n }, ch.port2);
        }),
    ),
  );
  expect(done).toEqual(["result", "result"]);
  await expect.poll(() => stats(host)).toMatchObject({ listeners: 0, queued: 0, running: 0, openPorts: 0 });
});

test("the page's listeners on the caller's signals are removed when calls settle (engine.stats().pageListeners)", async () => {
  const { nodeEngine } = await import("../support/node-engine.js");
  const ctx = await nodeEngine({ reply: "a b c d e f" });
  try {
    const base = (await ctx.engine.stats()).pageListeners;
    const keep = new AbortController(); // never aborted: only removal can take its listeners away
    await ctx.engine.chat.completions.create({ model: "fake-1", messages: [{ role: "user", content: "x" }] }, { signal: keep.signal });
    const stream = await ctx.engine.chat.completions.create({ model: "fake-1", messages: [{ role: "user", content: "x" }], stream: true }, { signal: keep.signal });
    for await (const _ of stream) break;
    await ctx.engine.load("fake-1", { signal: keep.signal });
    expect(await ctx.engine.stats()).toMatchObject({ pageListeners: base, pageCalls: 0 });
  } finally {
    await ctx.close();
  }
});
