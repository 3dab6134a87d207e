// One model for every tab, on a SharedWorker: each engine here is its own connection (its own
// port and host), exactly as a tab is. Real tabs that close, and the fallback without
// SharedWorker, are in test/e2e/tabs.test.ts.
import { afterEach, expect, test } from "vitest";
import { createEngine, type Engine, type EngineStatus } from "../../src/index.js";

const opened: Engine[] = [];
afterEach(() => opened.splice(0).forEach((e) => e.close()));

let names = 0;
const url = new URL("./fixtures/tabs-worker.ts", import.meta.url);

/** Another tab on the SharedWorker called `name`. */
async function tab(name: string): Promise<Engine> {
  const engine = await createEngine({ worker: new SharedWorker(url, { type: "module", name }) });
  opened.push(engine);
  return engine;
}

/** `n` tabs on one fresh SharedWorker serving the fake with `fake` options, and the worker's name. */
async function tabs(n: number, fake: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): Promise<Engine[] & { name: string }> {
  const name = JSON.stringify({ label: `tabs-${Date.now()}-${names++}`, fake, ...extra });
  const out: Engine[] = [];
  for (let i = 0; i < n; i++) out.push(await tab(name));
  return Object.assign(out, { name });
}

const ask = (e: Engine, content: string, extra: Record<string, unknown> = {}) =>
  e.chat.completions.create({ model: "fake-1", messages: [{ role: "user", content }], ...extra });

const text = async (e: Engine, content: string, extra: Record<string, unknown> = {}): Promise<string> => {
  const stream = await e.chat.completions.create({ model: "fake-1", messages: [{ role: "user", content }], stream: true, ...extra });
  let out = "";
  for await (const c of stream) out += c.choices[0]?.delta.content ?? "";
  return out;
};

test("three tabs using one model load it once", async () => {
  const [a, b, c] = await tabs(3, { reply: "hi", loadMs: 100 });
  const replies = await Promise.all([a!, b!, c!].map((e, i) => ask(e, `tab ${i}`)));
  for (const r of replies) expect(r.choices[0]?.message.content).toMatch(/^\[\d\]L1 hi$/);
  expect((await c!.stats()).loaded).toBe("fake-1");
});

test("tab A holds 10 queued requests: tab B's request starts after at most one of A's", async () => {
  const [a, b] = await tabs(2, { reply: "word ".repeat(20), tokensPerSecond: 400 });
  await a!.load("fake-1");
  const fromA = Array.from({ length: 10 }, (_, i) => ask(a!, `a${i}`));
  await expect.poll(async () => (await a!.stats()).queued).toBe(9);
  const fromB = await ask(b!, "b");
  // The worker stamps each reply with the order it served it in: A's first was running, then B.
  expect(fromB.choices[0]?.message.content).toMatch(/^\[1\]/);
  const stamps = (await Promise.all(fromA)).map((r) => Number(/^\[(\d+)\]/.exec(r.choices[0]?.message.content ?? "")?.[1]));
  expect(stamps[0]).toBe(0);
  // Within tab A: FIFO.
  expect(stamps).toEqual([...stamps].sort((x, y) => x - y));
});

test("two tabs stream at once and each gets exactly its own output", async () => {
  const [a, b] = await tabs(2, { tokensPerSecond: 2_000 });
  const [ta, tb] = await Promise.all([text(a!, "x", { seed: 1, max_tokens: 40 }), text(b!, "x", { seed: 2, max_tokens: 40 })]);
  const strip = (t: string): string => t.replace(/^\[\d+\]L\d+ /, "");
  expect(strip(ta)).not.toBe(strip(tb));
  // The same seed on one tab alone gives the same text: nothing of the other stream got in.
  expect(strip(await text(a!, "x", { seed: 2, max_tokens: 40 }))).toBe(strip(tb));
  expect(strip(await text(b!, "x", { seed: 1, max_tokens: 40 }))).toBe(strip(ta));
});

test("a tab that connects mid-load sees the current progress at once, then ready; every tab sees the load", async () => {
  const first = await tabs(1, { reply: "hi", loadMs: 1_500 });
  const a = first[0]!;
  const seenByA: EngineStatus[] = [];
  a.addEventListener("status", (e) => seenByA.push(e.status));
  expect(a.status).toEqual({ state: "idle" });
  const loading = a.load("fake-1");
  await expect.poll(() => a.status.state === "loading" && a.status.progress.progress > 0).toBe(true);
  // Tab B opens now, in the middle of A's load, and knows where it stands before asking anything.
  const b = await tab(first.name);
  const seenByB: EngineStatus[] = [];
  b.addEventListener("status", (e) => seenByB.push(e.status));
  await expect.poll(() => b.status.state).toBe("loading");
  expect(b.status).toMatchObject({ state: "loading", model: "fake-1", progress: { model: "fake-1", phase: "fetch-weights" } });
  await loading;
  await expect.poll(() => b.status).toEqual({ state: "ready", model: "fake-1" });
  expect(a.status).toEqual({ state: "ready", model: "fake-1" });
  // B heard A's load progress go up, then ready.
  const fractions = seenByB.flatMap((s) => (s.state === "loading" ? [s.progress.progress] : []));
  expect(fractions.length).toBeGreaterThan(0);
  expect(seenByB.at(-1)).toEqual({ state: "ready", model: "fake-1" });
  expect(seenByA.some((s) => s.state === "loading")).toBe(true);
  expect(seenByA.at(-1)).toEqual({ state: "ready", model: "fake-1" });
  // Unloading from B is seen by A; closing is this page's own.
  await b.unload();
  await expect.poll(() => a.status).toEqual({ state: "idle" });
  b.close();
  expect(b.status).toEqual({ state: "closed" });
  expect(a.status).toEqual({ state: "idle" });
});

test("a tab that asks for another model waits its turn: the model switches between requests, never mid-stream", async () => {
  const [a, b] = await tabs(2, { models: ["fake-1", "fake-2"], tokensPerSecond: 300 });
  const streaming = text(a!, "x", { seed: 5, max_tokens: 60 });
  await expect.poll(async () => (await a!.stats()).running).toBe(1);
  const other = await b!.chat.completions.create({ model: "fake-2", messages: [{ role: "user", content: "y" }], max_tokens: 3 });
  const streamed = await streaming;
  // A's stream ran to its end with the text its seed gives; B's request was served after it,
  // on a second load (the switch).
  expect(streamed).toMatch(/^\[0\]L1 /);
  expect(streamed.replace(/^\[0\]L1 /, "")).toBe((await text(a!, "x", { seed: 5, max_tokens: 60 })).replace(/^\[\d+\]L\d+ /, ""));
  expect(other.choices[0]?.message.content).toMatch(/^\[1\]L2 /);
  expect(other.model).toBe("fake-2");
});

test("with switchModels: \"when-idle\", a switch while another tab streams is refused with 409, and allowed once it is idle", async () => {
  const [a, b] = await tabs(2, { models: ["fake-1", "fake-2"], tokensPerSecond: 300 }, { switchModels: "when-idle" });
  const streaming = text(a!, "x", { max_tokens: 60 });
  await expect.poll(async () => (await a!.stats()).running).toBe(1);
  const refused = await b!.chat.completions.create({ model: "fake-2", messages: [{ role: "user", content: "y" }] }).catch((e: unknown) => e);
  expect(refused).toMatchObject({ status: 409, code: "model_switch_refused", param: "model" });
  // The same model is fine meanwhile, and so is the switch once A is done.
  expect((await ask(b!, "same", { max_tokens: 2 })).model).toBe("fake-1");
  await streaming;
  expect((await b!.chat.completions.create({ model: "fake-2", messages: [{ role: "user", content: "y" }], max_tokens: 2 })).model).toBe("fake-2");
});

test("Responses API calls wait in their tab's own line too: tab B's response starts after at most one of A's", async () => {
  const [a, b] = await tabs(2, { reply: "word ".repeat(20), tokensPerSecond: 400 });
  await a!.load("fake-1");
  const respond = (e: Engine, input: string) => e.responses.create({ model: "fake-1", input, store: false });
  const fromA = Array.from({ length: 5 }, (_, i) => respond(a!, `a${i}`));
  await expect.poll(async () => (await a!.stats()).queued).toBe(4);
  expect((await respond(b!, "b")).output_text).toMatch(/^\[1\]/);
  expect((await Promise.all(fromA)).map((r) => Number(/^\[(\d+)\]/.exec(r.output_text)?.[1]))[0]).toBe(0);
});
