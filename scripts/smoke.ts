/**
 * `npm run smoke` (tsx scripts/smoke.ts): one real chat on a real GPU with real weights.
 *
 * It starts a vite dev server for scripts/smoke/ (a page that uses pagellm's public API with the
 * default WebLLM backend in a module Worker), opens it in Chrome/Chromium with WebGPU on the
 * real GPU (not SwiftShader), loads a model from Hugging Face (or the browser's cache), runs one
 * chat, and prints the reply, usage, time to first token and decode tokens/s.
 *
 * Environment:
 *   PAGELLM_CHROME      browser executable. CHROMIUM_PATH wins over it; without either, the
 *                       same search as the tests (/usr/bin/chromium, then chromium,
 *                       chromium-browser, google-chrome, google-chrome-stable on PATH)
 *   PAGELLM_MODEL       model id (default Qwen2.5-0.5B-Instruct-q4f16_1-MLC; on a GPU without
 *                       shader-f16 use Qwen2.5-0.5B-Instruct-q4f32_1-MLC)
 *   PAGELLM_PROMPT      the user message
 *   PAGELLM_MAX_TOKENS  default 128
 *   PAGELLM_HEADLESS    "0" to show the browser window
 *   PAGELLM_PROFILE     a user-data directory, so downloaded weights stay cached between runs
 *   PAGELLM_TIMEOUT_S   give up after this many seconds (default 1200; the first download is large)
 *
 * It needs network access to huggingface.co and raw.githubusercontent.com (or a cached profile).
 * Without it, it fails within seconds with pagellm's ModelLoadError naming the URL. It is not part
 * of `npm test`: no machine of this project has a GPU or the network.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { createServer } from "vite";
import type { LoadProgress } from "../src/openai/models.js";
import type { SmokeResult } from "./smoke/main.js";
import { chromiumPath } from "./chromium-path.mjs";

const env = process.env;
const executablePath = chromiumPath();
const model = env.PAGELLM_MODEL ?? "Qwen2.5-0.5B-Instruct-q4f16_1-MLC";
const prompt = env.PAGELLM_PROMPT ?? "In one sentence, what is WebGPU?";
const maxTokens = Number(env.PAGELLM_MAX_TOKENS ?? 128);
const timeoutMs = Number(env.PAGELLM_TIMEOUT_S ?? 1200) * 1000;

// WebGPU on the real GPU: no --use-webgpu-adapter=swiftshader here.
const args = [
  "--enable-unsafe-webgpu",
  "--enable-features=Vulkan,WebGPUDeveloperFeatures",
  "--ignore-gpu-blocklist",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];
if (process.getuid?.() === 0) args.push("--no-sandbox"); // Chromium refuses to sandbox as root

const root = join(dirname(fileURLToPath(import.meta.url)), "smoke");

async function main(): Promise<number> {
  const server = await createServer({
    root,
    configFile: false,
    logLevel: "warn",
    server: { host: "127.0.0.1", port: 5199, strictPort: false },
    optimizeDeps: { include: ["comlink", "@mlc-ai/web-llm"] },
    worker: { format: "es" },
  });
  await server.listen();
  const url = server.resolvedUrls?.local[0] ?? "http://127.0.0.1:5199/";
  const profile = env.PAGELLM_PROFILE ?? mkdtempSync(join(tmpdir(), "pagellm-smoke-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: env.PAGELLM_HEADLESS !== "0",
    args,
  });
  const timer = setTimeout(() => {
    console.error(`smoke: gave up after ${timeoutMs / 1000} s`);
    process.exit(2);
  }, timeoutMs);
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    page.on("console", (m) => {
      if (m.type() === "error") console.error(`  [page] ${m.text()}`);
    });
    let lastPhase = "";
    await page.exposeFunction("smokeProgress", (p: LoadProgress) => {
      const bytes = p.loaded_bytes ? ` ${(p.loaded_bytes / 2 ** 20).toFixed(0)} MB` : "";
      if (p.phase !== lastPhase || process.stdout.isTTY) {
        console.log(`  load ${(p.progress * 100).toFixed(0).padStart(3)}% ${p.phase}${bytes}: ${p.text.slice(0, 100)}`);
      }
      lastPhase = p.phase;
    });
    await page.goto(url);
    await page.waitForFunction(() => typeof window.smoke === "function");
    console.log(`smoke: ${model} in ${executablePath} via ${url}`);
    const result: SmokeResult = await page.evaluate(([m, q, n]) => window.smoke(m, q, n), [model, prompt, maxTokens] as [string, string, number]);
    console.log(`  gpu: ${result.gpu}`);
    if (/FALLBACK|swiftshader/i.test(result.gpu)) {
      console.warn("  warning: this is a CPU fallback adapter, not a real GPU; its numbers say nothing about GPU speed.");
    }
    if (!result.ok) {
      const e = result.error;
      console.error(`smoke FAILED: ${e.name}${e.code ? ` (${e.code})` : ""}: ${e.message}`);
      return 1;
    }
    console.log(`  loaded in ${(result.loadMs / 1000).toFixed(1)} s`);
    console.log(`  prompt: ${prompt}`);
    console.log(`  reply:  ${result.reply}`);
    console.log(`  finish_reason: ${result.finishReason}`);
    console.log(`  usage: ${JSON.stringify(result.usage)}`);
    console.log(`  time to first token: ${result.ttftMs === null ? "n/a" : `${result.ttftMs.toFixed(0)} ms`}`);
    console.log(`  decode: ${result.decodeTokensPerSec === null ? "n/a" : `${result.decodeTokensPerSec.toFixed(1)} tokens/s`}`);
    return result.reply.length > 0 ? 0 : 1;
  } finally {
    clearTimeout(timer);
    await context.close();
    await server.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error("smoke FAILED:", err);
    process.exit(1);
  },
);
