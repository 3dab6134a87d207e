import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { ModelRecord } from "../../src/index.js";
import { chromiumArgs, chromiumPath } from "../support/chromium.js";
import type { Violation } from "./app/main.js";
import { madeFor, netLogRequests } from "./support/netlog.js";
import { buildApp, modelHost, serveStatic, type Served } from "./support/servers.js";
import { report, settings } from "./support/settings.js";

// The privacy promise, end to end in Debian's Chromium: the harness app (test/reliability/app),
// built for production and served with a strict Content-Security-Policy header.
//
// - No network after load: once the model is loaded, chats make no network request at all, seen
//   three ways: Playwright's request events (page and its workers), the app server's own log, and
//   Chromium's net-log, which records every request the browser's network service makes (the
//   browser's own traffic, such as its update and account checks, is told apart by its missing
//   origin and reported, not counted). No request at any time carries the prompts' text.
// - Strict CSP: the app, its workers and the real WebLLM module run under the policy below with no
//   violation; WebLLM needs 'wasm-unsafe-eval' (to compile its model library and tokenizer) and
//   nothing more: no 'unsafe-eval', no 'unsafe-inline'.
//
// The chats run on the fake backend, because this machine has no weights and no model library:
// WebLLM itself is loaded and driven as far as an offline machine allows (catalog, GPU checks,
// config, library download and compile), under the same policy.

const APP = fileURLToPath(new URL("./app/", import.meta.url));
const WEBLLM = fileURLToPath(new URL("../../node_modules/@mlc-ai/web-llm/lib/index.js", import.meta.url));

/** The policy, with the model host's origin in connect-src. */
export const strictCsp = (modelOrigin: string, scriptSrc = "'self' 'wasm-unsafe-eval'", workerSrc = "'self' blob:"): string =>
  `default-src 'self'; script-src ${scriptSrc}; worker-src ${workerSrc}; connect-src 'self' ${modelOrigin}`;

let dir: string;
let app: Served;
let models: Served;
let csp = "";

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "pagellm-reliability-"));
  const started = Date.now();
  await buildApp(APP, join(dir, "app"));
  report("privacy/build", { ms: Date.now() - started });
  models = await modelHost();
  csp = strictCsp(models.url);
  app = await serveStatic(join(dir, "app"), () => csp);
});

afterAll(async () => {
  await app?.close();
  await models?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface Seen {
  requests: { url: string; body: string | null; from: string }[];
  console: string[];
  workers: number;
}

/** Opens the app in a fresh context, recording every request and console message of the page and its workers. */
async function open(browser: Browser): Promise<{ context: BrowserContext; page: Page; seen: Seen }> {
  const context = await browser.newContext();
  const seen: Seen = { requests: [], console: [], workers: 0 };
  // Context-wide: requests of the page and of its dedicated workers (and service workers).
  context.on("request", (r) => seen.requests.push({ url: r.url(), body: r.postData(), from: r.serviceWorker() ? "service worker" : "page or worker" }));
  context.on("console", (m) => seen.console.push(m.text()));
  const page = await context.newPage();
  page.on("websocket", (ws) => seen.requests.push({ url: ws.url(), body: null, from: "websocket" }));
  page.on("worker", (w) => {
    seen.workers++;
    w.on("console", (m) => seen.console.push(m.text()));
  });
  page.on("pageerror", (err) => seen.console.push(`pageerror: ${err.message}`));
  await page.goto(`${app.url}/`);
  await page.waitForSelector("body[data-ready]", { state: "attached" });
  return { context, page, seen };
}

const cspConsole = (lines: string[]): string[] => lines.filter((l) => /Content Security Policy|Refused to/i.test(l));

describe("no network after load", () => {
  test(`${settings.offlineChats} chats after the model loaded make zero network requests; none carries prompt text`, async () => {
    const netlog = join(dir, "netlog.json");
    const browser = await chromium.launch({ executablePath: chromiumPath(), args: [...chromiumArgs, `--log-net-log=${netlog}`] });
    const secret = `SECRET-${Math.random().toString(36).slice(2)}`;
    let seen: Seen;
    let counts: {
      requestsBefore: number;
      requestsAfter: number;
      serverAfter: number;
      netlogAfter: number;
      netlogTotal: number;
      browserOwnDuringChats: string[];
      workers: number;
    };
    try {
      const opened = await open(browser);
      seen = opened.seen;
      const { page } = opened;
      await page.evaluate(() => (window as never as { harness: { loadFake(): Promise<void> } }).harness.loadFake());
      // Warm every path once (lazy chunks, the REST adapter) and let stray requests land: only
      // what happens after the model has loaded and the app has settled counts.
      for (const mode of ["create", "stream", "rest"]) {
        await page.evaluate(([m]) => (window as never as { harness: { chat(p: string, m: string): Promise<string> } }).harness.chat("warm up", m as string), [mode]);
      }
      await page.waitForTimeout(300);

      const requestsBefore = seen.requests.length;
      const serverBefore = app.log.length;
      await page.evaluate(() => fetch("/__mark/start"));
      const replies = await page.evaluate(
        async ([n, s]) => {
          const h = (window as never as { harness: { chat(p: string, m: string): Promise<string> } }).harness;
          const modes = ["create", "stream", "rest"];
          const out: string[] = [];
          for (let i = 0; i < (n as number); i++) out.push(await h.chat(`${s as string} private question ${i}: what is my diagnosis?`, modes[i % 3] as string));
          return out;
        },
        [settings.offlineChats, secret],
      );
      await page.evaluate(() => fetch("/__mark/end"));
      expect(replies).toHaveLength(settings.offlineChats);
      expect(replies.every((r) => r.length > 0)).toBe(true);

      const isMark = (url: string): boolean => url.includes("/__mark/");
      const after = seen.requests.slice(requestsBefore).filter((r) => !isMark(r.url));
      const serverAfter = app.log.slice(serverBefore).filter((l) => !isMark(l));
      expect(after).toEqual([]);
      expect(serverAfter).toEqual([]);
      await opened.context.close();
      await browser.close();

      // Chromium's own log, read once the browser has shut down and written it out.
      const all = await netLogRequests(netlog);
      const start = all.findIndex((r) => r.url.endsWith("/__mark/start"));
      const end = all.findIndex((r) => r.url.endsWith("/__mark/end"));
      expect(start).toBeGreaterThanOrEqual(0);
      expect(end).toBeGreaterThan(start);
      const during = all.slice(start + 1, end);
      expect(during.filter((r) => madeFor("http://127.0.0.1", r)).map((r) => r.url)).toEqual([]);
      // No request, at any time and from anyone, carried the prompts' text: not in a URL, not in a body.
      expect(all.filter((r) => r.url.includes(secret))).toEqual([]);
      expect(seen.requests.filter((r) => r.url.includes(secret) || r.body?.includes(secret))).toEqual([]);
      expect(app.log.filter((l) => l.includes(secret))).toEqual([]);
      expect((await readFile(netlog, "utf8")).includes(secret)).toBe(false);
      counts = {
        requestsBefore,
        requestsAfter: after.length,
        serverAfter: serverAfter.length,
        netlogAfter: during.filter((r) => madeFor("http://127.0.0.1", r)).length,
        netlogTotal: all.length,
        browserOwnDuringChats: during.filter((r) => !madeFor("http://127.0.0.1", r)).map((r) => r.url.split("?")[0] ?? ""),
        workers: seen.workers,
      };
    } finally {
      await browser.close().catch(() => {});
    }
    report("no-network", { chats: settings.offlineChats, ...counts });
  });
});

describe("strict Content-Security-Policy", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: chromiumPath(), args: chromiumArgs });
  });
  afterAll(() => browser?.close());

  async function violations(page: Page): Promise<Violation[]> {
    return page.evaluate(() => (window as never as { harness: { violations: Violation[] } }).harness.violations);
  }

  test.each([
    ["the policy of the issue", "'self' blob:"],
    ["the tighter worker-src 'self' (no blob:)", "'self'"],
  ])("the harness app and its worker run under %s with no violation", async (_name, workerSrc) => {
    csp = strictCsp(models.url, undefined, workerSrc);
    const { context, page, seen } = await open(browser);
    try {
      await page.evaluate(() => (window as never as { harness: { loadFake(): Promise<void> } }).harness.loadFake());
      for (const mode of ["create", "stream", "rest"]) {
        const reply = await page.evaluate(([m]) => (window as never as { harness: { chat(p: string, m: string): Promise<string> } }).harness.chat("hello", m as string), [mode]);
        expect(reply.length).toBeGreaterThan(0);
      }
      expect(await violations(page)).toEqual([]);
      expect(cspConsole(seen.console)).toEqual([]);
      // The policy is really in force: an inline script is refused, and reported. (Code that the
      // test itself evaluates through DevTools is exempt from the policy, so eval proves nothing.)
      const inline = await page.evaluate(() => {
        const script = document.createElement("script");
        script.textContent = "window.inlineRan = true";
        document.head.append(script);
        return (window as never as { inlineRan?: boolean }).inlineRan === true;
      });
      expect(inline).toBe(false);
      await expect.poll(() => violations(page).then((v) => v.map((x) => x.blocked))).toContain("inline");
    } finally {
      csp = strictCsp(models.url);
      await context.close();
    }
  });

  const record = (name: string): ModelRecord => ({
    model: `${models.url}/repos/${name}`,
    model_id: `${name}-q0f32-MLC`,
    model_lib: `${models.url}/libs/empty.wasm`,
    vram_required_MB: 100,
  });

  test("the real WebLLM module needs nothing beyond 'wasm-unsafe-eval': its catalog, GPU checks, downloads and compile run with no violation", async () => {
    const { context, page, seen } = await open(browser);
    try {
      const before = models.log.length;
      const result = await page.evaluate((r) => (window as never as { harness: { webllm(r: ModelRecord): Promise<{ models: number; error: { name: string; message: string } | null }> } }).harness.webllm(r), record("csp-ok"));
      expect(result.models).toBeGreaterThan(50);
      // The load fails (the library is an empty module, not a model), but after WebLLM fetched
      // the config and fetched and compiled the library, and not because of the policy.
      expect(result.error).not.toBeNull();
      expect(result.error?.message).not.toMatch(/Content Security Policy|unsafe-eval|wasm-eval/i);
      const asked = models.log.slice(before);
      expect(asked).toContain("GET /repos/csp-ok/resolve/main/mlc-chat-config.json");
      expect(asked).toContain("GET /libs/empty.wasm");
      expect(await violations(page)).toEqual([]);
      expect(cspConsole(seen.console)).toEqual([]);
      report("csp/webllm", { error: `${result.error?.name}: ${result.error?.message.slice(0, 160)}`, modelHostRequests: asked });
    } finally {
      await context.close();
    }
  });

  test("without 'wasm-unsafe-eval', WebLLM cannot compile its model library, and the error says to add it", async () => {
    // Chromium fires no securitypolicyviolation event for a refused WebAssembly compile; the
    // refusal shows only as the compile error, which pagellm must explain. It used to call it a
    // broken model library ("check that model_lib points at a library built for it") and evict
    // the cached library.
    csp = strictCsp(models.url, "'self'");
    const { context, page } = await open(browser);
    try {
      const result = await page.evaluate((r) => (window as never as { harness: { webllm(r: ModelRecord): Promise<{ error: { name: string; message: string } | null }> } }).harness.webllm(r), record("csp-no-wasm"));
      expect(result.error).toMatchObject({ name: "EngineUnavailableError", message: expect.stringContaining("'wasm-unsafe-eval'") });
      report("csp/without-wasm-unsafe-eval", { error: result.error?.message.slice(0, 200) });
    } finally {
      csp = strictCsp(models.url);
      await context.close();
    }
  });

  test("WebLLM's bundle holds no eval() and no new Function(), so 'unsafe-eval' is never needed", async () => {
    // A guard for upgrades: the runtime test above only reaches the code an offline load runs.
    // Its embind glue is built without dynamic code (emscripten DYNAMIC_EXECUTION=0).
    const source = await readFile(WEBLLM, "utf8");
    expect(source.match(/\bnew Function\s*\(/g) ?? []).toEqual([]);
    expect(source.match(/(?<![\w$.])eval\s*\(/g) ?? []).toEqual([]);
  });
});
