import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Browser, Page } from "playwright-core";
import { build } from "vite";
import { serveStatic } from "./server.js";

/**
 * The main-thread check: long tasks (over 50 ms) while a chat UI renders a 2,000-token reply that
 * arrives at full speed. Two UIs are measured:
 * - the demo (demo/), built for production with its build-time test switch `VITE_PAGELLM_FAKE=1`
 *   and driven the way test/e2e/demo.test.ts drives it: load a model, send "/long" (the demo's
 *   fake answers it with 2,000 Markdown tokens at full speed), wait for the reply to finish. This
 *   is the figure the target is judged on.
 * - bench/pages/render.html, a bare chat transcript fed by the uncapped synthetic backend, which
 *   re-renders the whole reply and forces a layout on every chunk. It stands in when the demo
 *   cannot be driven (the demo changes often; `note` says why it was skipped) and shows the
 *   worst case for a naive UI at a rate no GPU reaches.
 */

export const REPLY_TOKENS = 2_000;

export interface RenderRun {
  longTasks: number[];
  longFrames: number[];
  ms: number;
}

export interface MainThreadResult {
  source: "demo" | "bench page";
  /** What was measured, and how; for the demo, or why the demo was not measured. */
  note: string;
  tokens: number;
  runs: RenderRun[];
  /** Long tasks over all runs. */
  longTasks: number;
  /** The longest task seen, in ms (0 if none). */
  worstTaskMs: number;
  /** Long animation frames (Chromium's LoAF, over 50 ms) over all runs, for information. */
  longFrames: number;
}

function summarise(source: MainThreadResult["source"], note: string, runs: RenderRun[]): MainThreadResult {
  const tasks = runs.flatMap((r) => r.longTasks);
  return {
    source,
    note,
    tokens: REPLY_TOKENS,
    runs,
    longTasks: tasks.length,
    worstTaskMs: tasks.length ? Math.max(...tasks) : 0,
    longFrames: runs.reduce((n, r) => n + r.longFrames.length, 0),
  };
}

/**
 * The machine's own noise: long tasks seen by a page that does nothing but 3 ms tasks, back to
 * back, for `ms`. On a shared machine a thread that is descheduled in the middle of a short task
 * shows up as a long task; this count says how many of the others to put down to that.
 */
export async function measureControl(browser: Browser, ms: number): Promise<RenderRun> {
  const page = await browser.newPage();
  try {
    await page.goto("about:blank");
    // A string, not a function: tsx would wrap named helpers in a `__name()` the page lacks.
    const tasks = (await page.evaluate(`(async () => {
      const seen = [];
      const observer = new PerformanceObserver((l) => { for (const e of l.getEntries()) seen.push(e.duration); });
      observer.observe({ type: "longtask" });
      const channel = new MessageChannel();
      const end = performance.now() + ${Math.round(ms)};
      await new Promise((done) => {
        channel.port1.onmessage = () => {
          const t = performance.now();
          while (performance.now() - t < 3) {}
          if (performance.now() < end) channel.port2.postMessage(0); else done();
        };
        channel.port2.postMessage(0);
      });
      await new Promise((r) => setTimeout(r, 100));
      seen.push(...observer.takeRecords().map((e) => e.duration));
      observer.disconnect();
      return seen;
    })()`)) as number[];
    return { longTasks: tasks, longFrames: [], ms };
  } finally {
    await page.close();
  }
}

/** The bench page: `render.html` from the built bench pages at `base`. */
export async function measureBenchPage(browser: Browser, base: string, repeats: number): Promise<MainThreadResult> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  try {
    await page.goto(`${base}render.html`);
    await page.evaluate(() => window.chat!.ready);
    await page.evaluate((n) => window.chat!.render(n), 200); // warm-up
    const runs: RenderRun[] = [];
    for (let i = 0; i < repeats; i++) {
      const r = await page.evaluate((n) => window.chat!.render(n), REPLY_TOKENS);
      if (r.chunks !== REPLY_TOKENS + 2) throw new Error(`render.html: expected ${REPLY_TOKENS + 2} chunks, got ${r.chunks}.`);
      runs.push({ longTasks: r.longTasks, longFrames: r.longFrames, ms: r.ms });
    }
    return summarise(
      "bench page",
      "bench/pages/render.html: plain-text transcript, whole reply re-set and scrolled (a forced layout) on every chunk, synthetic backend at full speed",
      runs,
    );
  } finally {
    await page.close();
  }
}

// ------------------------------------------------------------------------------------- the demo

const DEMO_CONFIG = resolve(import.meta.dirname, "../demo/vite.config.ts");
/** The model the demo loads: Llama f32, which SwiftShader can run (it has no shader-f16). */
const DEMO_MODEL = "Llama-3.2-1B-Instruct-q4f32_1-MLC";

/** Records long tasks and long animation frames from the very start of every page. */
const OBSERVE = `
  window.__bench = { tasks: [], frames: [] };
  for (const [type, list] of [["longtask", "tasks"], ["long-animation-frame", "frames"]]) {
    try {
      new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__bench[list].push([e.startTime, e.duration]); })
        .observe({ type, buffered: true });
    } catch {}
  }
`;

/** Builds the demo with its test switch on, into a temporary folder; returns that folder. */
async function buildDemo(): Promise<string> {
  const out = await mkdtemp(join(tmpdir(), "pagellm-bench-demo-"));
  // vite reads VITE_* variables from the environment while it loads the config.
  const previous = process.env.VITE_PAGELLM_FAKE;
  process.env.VITE_PAGELLM_FAKE = "1";
  try {
    await build({ configFile: DEMO_CONFIG, logLevel: "error", build: { outDir: out, emptyOutDir: true, reportCompressedSize: false } });
  } finally {
    if (previous === undefined) delete process.env.VITE_PAGELLM_FAKE;
    else process.env.VITE_PAGELLM_FAKE = previous;
  }
  return out;
}

/** Selectors of test/e2e/demo.test.ts: the demo's contract with its tests, and with us. */
async function loadModel(page: Page): Promise<void> {
  await page.getByTestId("model-list").locator("[data-testid=model-row]").first().waitFor({ timeout: 30_000 });
  await page.locator(`[data-testid=model-row][data-model="${DEMO_MODEL}"]`).click();
  await page.getByTestId("load-model").click();
  await page.waitForFunction(() => {
    const box = document.querySelector<HTMLTextAreaElement>("[data-testid=composer]");
    return !!box && !box.disabled && !document.querySelector("[data-testid=load-card]");
  }, undefined, { timeout: 30_000 });
}

async function longReply(page: Page): Promise<RenderRun> {
  await page.getByTestId("new-chat").click();
  const before = await page.locator("[data-testid=message-assistant]").count();
  const t0 = await page.evaluate(() => performance.now());
  const box = page.getByTestId("composer");
  await box.fill("/long");
  await box.press("Enter");
  const reply = page.locator("[data-testid=message-assistant]").nth(before);
  await reply.locator("[data-stat=finish]").waitFor({ timeout: 60_000 });
  const completion = await reply.locator("[data-stat=completion] .stat-value").textContent();
  if (completion?.replace(/\D/g, "") !== String(REPLY_TOKENS)) throw new Error(`the demo's reply had ${completion} tokens, not ${REPLY_TOKENS}`);
  // Let the last frames lay out and paint, so that their work is counted too.
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
  const t1 = await page.evaluate(() => performance.now());
  // Filtered here, not in the page: tsx would wrap a named helper inside the callback in a
  // `__name()` call that does not exist in the page.
  const seen = await page.evaluate(() => (window as unknown as { __bench: { tasks: [number, number][]; frames: [number, number][] } }).__bench);
  const within = (list: [number, number][]): number[] => list.filter(([s]) => s >= t0 && s <= t1).map(([, d]) => d);
  return { longTasks: within(seen.tasks), longFrames: within(seen.frames), ms: t1 - t0 };
}

/**
 * The demo, built and served like a real deployment (not cross-origin isolated, service worker
 * and all), driven `repeats` times in one page. Throws when the demo cannot be driven.
 */
export async function measureDemo(browser: Browser, repeats: number): Promise<MainThreadResult> {
  const dir = await buildDemo();
  const server = await serveStatic(dir, { isolated: false });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    await context.addInitScript(OBSERVE);
    const page = await context.newPage();
    await page.goto(server.url);
    await loadModel(page);
    await longReply(page); // warm-up: JIT, Markdown renderer, first layout of a long reply
    const runs: RenderRun[] = [];
    for (let i = 0; i < repeats; i++) runs.push(await longReply(page));
    return summarise(
      "demo",
      `demo/ built with VITE_PAGELLM_FAKE=1, model ${DEMO_MODEL}, message "/long": the demo's fakeBackend at full speed, rendered as Markdown`,
      runs,
    );
  } finally {
    await context.close();
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
}
