/**
 * Real inference, side by side: the same synthetic model (generated from the WebLLM model library
 * in PAGELLM_MODEL_LIB) run by pagellm's worker, by a bare `MLCEngine` in a module Worker, and by
 * WebLLM's own `WebWorkerMLCEngine`, in Chromium with WebGPU (SwiftShader here, the real GPU where
 * there is one). Each scenario runs in a freshly launched browser, so that none inherits another's
 * HTTP cache, Cache Storage or compiled shaders, and scenarios take turns round by round.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { writeSyntheticModel } from "../../scripts/synthetic-model/write.js";
import { chooseWebLLM } from "../../test/webllm/support/library.js";
import { keepDescendantsNice } from "../../test/webllm/support/nice.js";
import { startSyntheticServer } from "../../test/webllm/support/synthetic-server.js";
import { launch, open } from "../browser.js";
import { buildSite } from "../build.js";
import { serveStatic } from "../server.js";
import type { RealRun, RealScenario } from "./api.js";

export const SCENARIOS: readonly RealScenario[] = ["pagellm", "raw", "webllm"];

/** Everything the real-inference part measured, for the table and latest.json. */
export interface RealResult {
  library: string;
  webllm: string;
  model: string;
  maxTokens: number;
  rounds: RealRun[][];
}

export interface RealOptionsNode {
  lib: string;
  rounds: number;
  maxTokens: number;
  log: (line: string) => void;
}

/** Builds the page with `@mlc-ai/web-llm` resolved to the WebLLM that links the library (as test:webllm does). */
export function buildPage(outDir: string, webllmPackage: string): Promise<void> {
  const root = resolve(import.meta.dirname);
  return buildSite(root, { page: resolve(root, "page.html") }, outDir, webllmPackage === "@mlc-ai/web-llm" ? {} : { "@mlc-ai/web-llm": webllmPackage });
}

export async function measureRealInference({ lib, rounds, maxTokens, log }: RealOptionsNode): Promise<RealResult> {
  const webllm = chooseWebLLM(lib);
  const name = basename(lib).replace(/\.wasm$/, "").replace(/[^\w.-]/g, "_");
  const work = await mkdtemp(join(tmpdir(), "pagellm-bench-real-"));
  const stopNice = keepDescendantsNice();
  try {
    log(`real inference: WebLLM ${webllm.version}${webllm.package === "@mlc-ai/web-llm" ? "" : ` (${webllm.package}, aliased for this run)`}, library ${basename(lib)}`);
    const { model } = writeSyntheticModel(lib, join(work, "model"), { seed: 1, systemMessage: "Test." });
    const models = await startSyntheticServer(name, join(work, "model"), lib);
    await buildPage(join(work, "site"), webllm.package);
    // Not cross-origin isolated: the model host is another origin, and these figures are seconds.
    const site = await serveStatic(join(work, "site"), { isolated: false });
    try {
      const all: RealRun[][] = [];
      for (let round = 0; round < rounds; round++) {
        // Rotate the order each round, so no scenario always runs first on a warming machine.
        const order = SCENARIOS.map((_, i) => SCENARIOS[(i + round) % SCENARIOS.length]!);
        const runs: RealRun[] = [];
        for (const scenario of order) {
          const browser = await launch();
          try {
            const page = await open(browser, `${site.url}page.html`, (p) => p.waitForFunction(() => window.real !== undefined));
            const t0 = performance.now();
            const run = await page.evaluate(([s, o]) => window.real!.run(s, o), [scenario, { server: models.url, name, maxTokens }] as const);
            log(`  round ${round + 1}, ${scenario}: ready cold ${(run.readyColdMs / 1000).toFixed(1)} s, cached ${(run.readyCachedMs / 1000).toFixed(1)} s, TTFT ${(run.ttftMs / 1000).toFixed(1)} s, ${run.tokens} tokens at ${run.decodeTokensPerS.toFixed(4)}/s (${((performance.now() - t0) / 1000).toFixed(0)} s in all)`);
            runs.push(run);
          } finally {
            await browser.close();
          }
        }
        all.push(SCENARIOS.map((s) => runs.find((r) => r.scenario === s)!));
      }
      return { library: basename(lib), webllm: webllm.version, model: `synthetic ${model.metadata.model_type} ${model.metadata.quantization}`, maxTokens, rounds: all };
    } finally {
      await site.close();
      await models.close();
    }
  } finally {
    stopNice();
    await rm(work, { recursive: true, force: true });
  }
}
