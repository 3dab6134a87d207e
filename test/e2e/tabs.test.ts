// One model for every tab, with real tabs (several pages in one browser context) that open and
// close: on a SharedWorker, and on the fallback for browsers without one, where SharedWorker is
// deleted from each page's globals before pagellm loads, the tabs elect a leader with Web Locks
// and the others reach its dedicated worker over a BroadcastChannel.
//
// The worker stamps each reply with the order it served it in ("[n]") and the backend's load
// count so far ("L1 "), so what happened in the worker is read where it happened.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { chromiumArgs, chromiumPath } from "../support/chromium.js";
import { buildApp, serveStatic, type Served } from "../reliability/support/servers.js";

const APP = fileURLToPath(new URL("./tabs-app/", import.meta.url));
let dir: string;
let app: Served;
let browser: Browser;
let runs = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "pagellm-tabs-"));
  await buildApp(APP, join(dir, "app"));
  app = await serveStatic(join(dir, "app"), () => "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self' blob:");
  browser = await chromium.launch({ executablePath: chromiumPath(), args: chromiumArgs });
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** A browser context whose tabs share one worker (a fresh name per test), with or without SharedWorker. */
async function group(fake: Record<string, unknown>, withShared: boolean): Promise<{ context: BrowserContext; open(): Promise<Page> }> {
  const context = await browser.newContext();
  if (!withShared) await context.addInitScript(() => Reflect.deleteProperty(globalThis, "SharedWorker"));
  const worker = JSON.stringify({ label: `e2e-${Date.now()}-${runs++}`, fake });
  return {
    context,
    async open() {
      const page = await context.newPage();
      page.on("pageerror", (err) => console.error(`pageerror: ${err.message}`));
      await page.goto(`${app.url}/?worker=${encodeURIComponent(worker)}`);
      await page.waitForFunction(() => typeof window.tabs === "object");
      expect(await page.evaluate(() => window.tabs.hasSharedWorker())).toBe(withShared);
      await page.evaluate(() => window.tabs.start());
      return page;
    },
  };
}

const ask = (p: Page, content: string, extra: Record<string, unknown> = {}) => p.evaluate(([c, e]) => window.tabs.ask(c, e), [content, extra] as const);
const open = (p: Page, id: string, content: string, extra: Record<string, unknown> = {}) =>
  p.evaluate(([i, c, e]) => window.tabs.open(i, c, e), [id, content, extra] as const);
const stream = (p: Page, id: string) => p.evaluate((i) => window.tabs.stream(i), id);
const stats = (p: Page) => p.evaluate(() => window.tabs.stats());
const stamp = (text: string): number => Number(/^\[(\d+)\]/.exec(text)?.[1] ?? NaN);
const textOf = (r: { text: string } | { error: unknown }): string => ("text" in r ? r.text : `ERROR ${JSON.stringify(r.error)}`);

describe("on a SharedWorker", () => {
  test("a tab closed mid-stream stops its generation within 1 s, and the other tabs carry on", async () => {
    const g = await group({ reply: "word ".repeat(2_000), tokensPerSecond: 200 }, true);
    try {
      const [a, b] = [await g.open(), await g.open()];
      open(a, "long", "x");
      await expect.poll(async () => (await stream(a, "long"))?.chunks ?? 0).toBeGreaterThan(3);
      expect((await stats(b)).running).toBe(1);
      const closed = Date.now();
      await a.close();
      await expect.poll(async () => (await stats(b)).running, { interval: 20, timeout: 5_000 }).toBe(0);
      const stopped = Date.now() - closed;
      expect(stopped).toBeLessThan(1_000);
      const next = textOf(await ask(b, "after", { max_tokens: 3 }));
      expect(next).toMatch(/^\[1\]L1 /);
      await expect.poll(() => stats(b)).toMatchObject({ openPorts: 0, listeners: 0, queued: 0, running: 0 });
      console.log(`[tabs] shared worker: a tab closed mid-stream stopped its generation after ${stopped} ms`);
    } finally {
      await g.context.close();
    }
  });
});

describe("without SharedWorker: a leader tab elected with Web Locks", () => {
  test("one leader runs the worker; streams, aborts and the leader closing mid-stream work from the other tabs", async () => {
    const g = await group({ reply: "word ".repeat(400), tokensPerSecond: 200 }, false);
    try {
      const leader = await g.open();
      const b = await g.open();
      const c = await g.open();
      // Only the leader runs a worker; the others have none.
      expect(leader.workers()).toHaveLength(1);
      expect(b.workers()).toHaveLength(0);
      expect(c.workers()).toHaveLength(0);

      // Replies from every tab come from the one worker, with one load between them.
      const first = await Promise.all([ask(leader, "l", { max_tokens: 2 }), ask(b, "b", { max_tokens: 2 }), ask(c, "c", { max_tokens: 2 })]);
      expect(first.map(textOf).map(stamp).sort()).toEqual([0, 1, 2]);
      for (const r of first) expect(textOf(r)).toMatch(/^\[\d\]L1 /);

      // A stream from a non-leader tab, read to its end.
      open(b, "s1", "x", { max_tokens: 30 });
      await expect.poll(async () => (await stream(b, "s1"))?.done, { timeout: 10_000 }).toBe(true);
      const s1 = (await stream(b, "s1"))!;
      expect(s1.error).toBeNull();
      expect(s1.text).toMatch(/^\[3\]L1 (word ){29}/);

      // An abort from a non-leader tab stops the generation in the leader's worker.
      open(c, "s2", "x");
      await expect.poll(async () => (await stream(c, "s2"))?.chunks ?? 0).toBeGreaterThan(3);
      await c.evaluate(() => window.tabs.abort("s2"));
      await expect.poll(async () => (await stream(c, "s2"))?.done).toBe(true);
      expect((await stream(c, "s2"))!.error).toMatchObject({ name: "APIUserAbortError" });
      await expect.poll(async () => (await stats(leader)).running, { timeout: 2_000 }).toBe(0);
      expect(textOf(await ask(c, "after abort", { max_tokens: 2 }))).toMatch(/^\[5\]/);

      // The leader tab closes while b streams: b gets leader_changed, a new leader takes over,
      // and b's retry is served there, once.
      open(b, "s3", "x");
      await expect.poll(async () => (await stream(b, "s3"))?.chunks ?? 0).toBeGreaterThan(3);
      await leader.close();
      await expect.poll(async () => (await stream(b, "s3"))?.done, { timeout: 10_000 }).toBe(true);
      expect((await stream(b, "s3"))!.error).toMatchObject({ name: "EngineUnavailableError", code: "leader_changed" });
      await expect.poll(() => b.workers().length + c.workers().length, { timeout: 5_000 }).toBe(1);
      const retry = await ask(b, "retry", { max_tokens: 2 });
      // A fresh worker: its first request, after its first load. Nothing was served twice.
      expect(textOf(retry)).toMatch(/^\[0\]L1 /);
      expect(textOf(await ask(c, "then c", { max_tokens: 2 }))).toMatch(/^\[1\]L1 /);
      const survivor = b.workers().length === 1 ? b : c;
      await expect.poll(() => stats(survivor)).toMatchObject({ openPorts: 0, listeners: 0, queued: 0, running: 0, pageCalls: 0 });
    } finally {
      await g.context.close();
    }
  });
});

describe("what the fallback costs", () => {
  test("a 2,000-token stream read in the leader tab and in a follower tab, side by side (printed, not asserted)", async () => {
    const g = await group({ reply: "w ".repeat(2_000) }, false);
    try {
      const leader = await g.open();
      const follower = await g.open();
      const timed = (p: Page) =>
        p.evaluate(async () => {
          const t0 = performance.now();
          window.tabs.open("bench", "x");
          for (;;) {
            const s = window.tabs.stream("bench");
            if (s?.done) return { ms: performance.now() - t0, chunks: s.chunks, error: s.error };
            await new Promise((r) => setTimeout(r, 5));
          }
        });
      const rates: Record<"leader" | "follower", number[]> = { leader: [], follower: [] };
      for (let round = 0; round < 5; round++) {
        for (const [who, page] of round % 2 ? ([["follower", follower], ["leader", leader]] as const) : ([["leader", leader], ["follower", follower]] as const)) {
          const r = await timed(page);
          expect(r.error).toBeNull();
          expect(r.chunks).toBeGreaterThan(2_002);
          rates[who].push(r.chunks / (r.ms / 1000));
        }
      }
      const median = (xs: number[]): number => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)] ?? NaN;
      const [l, f] = [median(rates.leader), median(rates.follower)];
      console.log(`[tabs] fallback: ${Math.round(l)} chunks/s in the leader tab, ${Math.round(f)} in a follower (follower/leader ${(f / l).toFixed(2)}), medians of 5`);
    } finally {
      await g.context.close();
    }
  });
});
