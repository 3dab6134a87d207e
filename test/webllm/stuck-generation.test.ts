// A request that real WebLLM never ends: WebLLM 0.2.79 waits for ever on a grammar its bundled
// xgrammar cannot parse (fixtures/stuck-worker.ts injects one for the message "hang"), even after
// an abort, and holds the model's lock while it waits. The aborted caller must be rejected at
// once; `abortTimeoutMs` (4 minutes in that worker) after the abort, the lane must abandon the
// request and drop the engine; the next request, queued meanwhile, must load the model again from
// the browser's storage and answer; and WebLLM's stuck generation must still not have settled at
// the end, which shows that what was abandoned was a real hang, not a slow prefill. Budget: the
// 4-minute wait, a reload and one short request (about 7 minutes here).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { APIUserAbortError, type Engine, type EngineStatus } from "../../src/index.js";
import { id, loadedEngine, model, serverLog, version } from "./support/real-engine.js";

const say = (msg: string): void => console.log(`[test:webllm stuck generation, WebLLM ${version}] ${msg}`);

interface StuckState {
  abandoned: number;
  hangStarted: boolean;
  hangSettled: boolean;
}
const channel = new BroadcastChannel("pagellm-test-stuck");
const ask = (): Promise<StuckState> =>
  new Promise((resolve) => {
    channel.onmessage = (e: MessageEvent<StuckState>) => resolve(e.data);
    channel.postMessage("state?");
  });

let engine: Engine;
let statuses: EngineStatus[] = [];

beforeAll(async () => {
  ({ engine, statuses } = await loadedEngine(new Worker(new URL("./fixtures/stuck-worker.ts", import.meta.url), { type: "module" }), say));
});
afterAll(() => {
  channel.close();
  engine?.close();
});

const hangs = version === "0.2.79";

describe(`a request that WebLLM ${version} never ends, synthetic ${model.name}`, () => {
  it("rejects the aborted caller at once, abandons the request after abortTimeoutMs, and the next request reloads and answers", async () => {
    if (!hangs) {
      // Later WebLLMs bundle an xgrammar that parses a{m,n}: there the request simply answers
      // within its grammar, and there is no hang to recover from.
      const reply = await engine.chat.completions.create({ model: id, messages: [{ role: "user", content: "hang" }], max_tokens: 2 });
      say(`WebLLM ${version} does not hang on the grammar: ${JSON.stringify(reply.choices[0]?.message.content)}`);
      expect(reply.choices[0]?.message.content).toMatch(/^a{1,2}$/);
      return;
    }
    const t0 = performance.now();
    // create() of a stream resolves with the first chunk, which never comes: abort through the signal.
    const ctl = new AbortController();
    const reading = (async () => {
      const stream = await engine.chat.completions.create({ model: id, messages: [{ role: "user", content: "hang" }], max_tokens: 2, stream: true }, { signal: ctl.signal });
      for await (const _ of stream) void _;
    })();
    reading.catch(() => undefined);
    await expect.poll(async () => (await ask()).hangStarted, { timeout: 30_000 }).toBe(true);
    await new Promise((r) => setTimeout(r, 5_000));
    const abortedAt = performance.now();
    ctl.abort();
    const error = await reading.then(() => null, (err: unknown) => err);
    const rejectMs = performance.now() - abortedAt;
    say(`aborted ${((abortedAt - t0) / 1000).toFixed(1)} s in; the stream ended ${rejectMs.toFixed(0)} ms later with ${(error as Error)?.name}`);
    expect(error).toBeInstanceOf(APIUserAbortError);

    const before = (await serverLog()).length;
    const sentAt = performance.now();
    const next = await engine.chat.completions.create({ model: id, messages: [{ role: "user", content: "Hi" }], max_tokens: 1, temperature: 1, seed: 1 });
    const state = await ask();
    say(
      `the next request answered ${((performance.now() - sentAt) / 1000).toFixed(1)} s after it was sent: ${JSON.stringify(next.choices[0]?.message.content)}, ` +
        `${next.choices[0]?.finish_reason}, usage ${JSON.stringify(next.usage)}; worker: ${JSON.stringify(state)}; statuses after the load: ${JSON.stringify(statuses.slice(2))}`,
    );
    expect(next.choices[0]?.finish_reason).toBe("length");
    expect(next.usage?.completion_tokens).toBe(1);
    expect(state.abandoned).toBe(1);
    // Abandoned, the model was forgotten (idle), then loaded again for the next request.
    const after = statuses.slice(statuses.findIndex((s) => s.state === "ready") + 1).map((s) => s.state);
    expect(after[0]).toBe("idle");
    expect(after.at(-1)).toBe("ready");
    expect(after).toContain("loading");
    // From the browser's storage: no shard was fetched again.
    expect((await serverLog()).slice(before).filter((l) => l.includes("params_shard"))).toEqual([]);
    // WebLLM's generation for "hang" never settled, minutes after its prefill: a real hang.
    expect(state.hangSettled).toBe(false);
  });
});
