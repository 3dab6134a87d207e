import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser } from "playwright-core";
import { build } from "vite";
import { afterAll, beforeAll, expect, test } from "vitest";
import { chromiumArgs, chromiumPath } from "../support/chromium.js";
import { serveStatic, type Served } from "./support/servers.js";
import { report } from "./support/settings.js";

// The demo, built for production with its test switch on (VITE_PAGELLM_FAKE=1: its worker serves
// pagellm's fakeBackend, nothing is downloaded), served under the strict policy a pagellm app
// needs, and driven like a person: pick a model, load it, send a message, read the reply. No CSP
// violation may happen in the page, its worker or its service worker.

const CONFIG = fileURLToPath(new URL("../../demo/vite.config.ts", import.meta.url));
const MODEL = "Llama-3.2-1B-Instruct-q4f32_1-MLC";
// WebLLM's default hosts: Hugging Face for weights (its downloads redirect to *.hf.co) and
// GitHub for the prebuilt model libraries. The fake build contacts neither.
const CSP =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self' blob:; " +
  "connect-src 'self' https://huggingface.co https://*.hf.co https://raw.githubusercontent.com";

/** Collects the page's violations from its first moment (init scripts are exempt from the policy). */
const COLLECT = `
  window.__violations = [];
  document.addEventListener("securitypolicyviolation", (e) => {
    window.__violations.push({ directive: e.effectiveDirective, blocked: e.blockedURI, sample: e.sample, source: e.sourceFile + ":" + e.lineNumber });
  });
`;

let dir: string;
let served: Served;
let browser: Browser;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "pagellm-demo-csp-"));
  const previous = process.env.VITE_PAGELLM_FAKE;
  process.env.VITE_PAGELLM_FAKE = "1";
  try {
    await build({ configFile: CONFIG, logLevel: "warn", build: { outDir: join(dir, "demo"), emptyOutDir: true, minify: false } });
  } finally {
    if (previous === undefined) delete process.env.VITE_PAGELLM_FAKE;
    else process.env.VITE_PAGELLM_FAKE = previous;
  }
  served = await serveStatic(join(dir, "demo"), () => CSP);
  browser = await chromium.launch({ executablePath: chromiumPath(), args: chromiumArgs });
});

afterAll(async () => {
  await browser?.close();
  await served?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

test("the demo, built for production, loads a model and chats under the strict CSP with no violation", async () => {
  const context = await browser.newContext();
  const console: string[] = [];
  context.on("console", (m) => console.push(m.text()));
  await context.addInitScript(COLLECT);
  const page = await context.newPage();
  page.on("worker", (w) => w.on("console", (m) => console.push(m.text())));
  page.on("pageerror", (err) => console.push(`pageerror: ${err.message}`));
  try {
    await page.goto(`${served.url}/`);
    await page.locator(`[data-testid=model-row][data-model="${MODEL}"]`).click();
    await page.getByTestId("load-model").click();
    await page.getByTestId("load-card").waitFor({ state: "detached", timeout: 30_000 });
    const box = page.getByTestId("composer");
    await expect.poll(() => box.isEnabled(), { timeout: 10_000 }).toBe(true);
    await box.click();
    await page.keyboard.type("Hello under a strict policy");
    await page.keyboard.press("Enter");
    const reply = page.getByTestId("message-assistant").last();
    await expect.poll(async () => (await reply.getByTestId("message-body").innerText()).trim().length, { timeout: 20_000 }).toBeGreaterThan(0);
    // Let the service worker install and the last renders settle, then read every report.
    await page.waitForTimeout(500);
    const violations = await page.evaluate(() => (window as never as { __violations: unknown[] }).__violations);
    const refused = console.filter((l) => /Content Security Policy|Refused to/i.test(l));
    report("csp/demo", { violations: violations.length, refusedInConsole: refused.length, requests: served.log.length });
    expect(violations).toEqual([]);
    expect(refused).toEqual([]);
    // The policy is in force and the collector works: an inline script is refused and reported.
    await page.evaluate(() => {
      const script = document.createElement("script");
      script.textContent = "window.inlineRan = true";
      document.head.append(script);
    });
    await expect.poll(() => page.evaluate(() => (window as never as { __violations: unknown[] }).__violations.length)).toBe(1);
  } finally {
    await context.close();
  }
});
