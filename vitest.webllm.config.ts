import { defineConfig } from "vitest/config";
import { playwright } from "@vitest/browser-playwright";
import { chromiumArgs, chromiumPath } from "./test/support/chromium.js";
import { commands } from "./test/support/commands.js";
import { chooseWebLLM, requireModelLib } from "./test/webllm/support/library.js";

// `npm run test:webllm`: real WebLLM generation behind pagellm's own worker, in Chromium with
// WebGPU on SwiftShader, on a synthetic model generated from the library in PAGELLM_MODEL_LIB.
// Not part of `npm test`: the library is a third-party binary that is never committed, and a run
// takes tens of minutes on a CPU.
const lib = requireModelLib();
const webllm = chooseWebLLM(lib);
const aliased = webllm.package !== "@mlc-ai/web-llm";
// Vitest evaluates this file more than once per run; say it once.
if (!process.env.PAGELLM_WEBLLM_ANNOUNCED) {
  console.log(
    `test:webllm: WebLLM ${webllm.version}${aliased ? ` (${webllm.package}, aliased as @mlc-ai/web-llm for this run only)` : ""}: ${webllm.reason}` +
      `${webllm.stubs.length ? `; stubbing ${webllm.stubs.join(", ")}` : ""}; library ${lib}`,
  );
  process.env.PAGELLM_WEBLLM_ANNOUNCED = "1";
}

const minutes = (n: number): number => n * 60_000;

export default defineConfig({
  // Where the library needs an older WebLLM, every import of "@mlc-ai/web-llm" (pagellm's
  // adapter included) resolves to it in this run only.
  resolve: aliased ? { alias: { "@mlc-ai/web-llm": webllm.package } } : {},
  optimizeDeps: { include: ["comlink", webllm.package] },
  worker: { format: "es" },
  test: {
    name: "webllm",
    include: ["test/webllm/**/*.test.ts"],
    globalSetup: ["test/webllm/support/global-setup.ts"],
    // SwiftShader on two shared cores: a short prefill takes 1-3 minutes and a decode step
    // 20-60 s, so the json_schema test's 14 tokens alone took 19 minutes beside another
    // SwiftShader run; the tool test's 800-token prompt (the tools section, one token per byte)
    // takes longer still.
    testTimeout: minutes(45),
    hookTimeout: minutes(10),
    fileParallelism: false,
    browser: {
      enabled: true,
      headless: true,
      screenshotFailures: false,
      provider: playwright({ launchOptions: { executablePath: chromiumPath(), args: chromiumArgs } }),
      instances: [{ browser: "chromium" }],
      commands,
    },
  },
});
