import { defineConfig } from "vitest/config";
import { playwright } from "@vitest/browser-playwright";
import { chromiumArgs, chromiumPath } from "./test/support/chromium.js";
import { commands } from "./test/support/commands.js";
import { serviceWorkerAllowed } from "./test/support/sw-allowed.js";

// One config for the library build and for both test projects. The library build emits ESM for
// the four public entry points; `tsc -p tsconfig.build.json` adds the .d.ts files beside them.
export default defineConfig({
  build: {
    lib: {
      entry: { index: "src/index.ts", worker: "src/worker.ts", testing: "src/testing.ts", sw: "src/sw.ts" },
      formats: ["es"],
    },
    outDir: "dist",
    emptyOutDir: false,
    sourcemap: true,
    minify: false,
    rolldownOptions: {
      external: ["@mlc-ai/web-llm", "comlink", /^node:/],
    },
  },
  // Pre-bundling these up front stops vite from re-optimizing in the middle of a browser run,
  // which reloads the page and makes tests flaky.
  optimizeDeps: { include: ["comlink", "@mlc-ai/web-llm", "openai", "ai", "@ai-sdk/openai", "@openai/agents", "@langchain/openai", "zod"] },
  worker: { format: "es" },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: "node",
          include: ["test/node/**/*.test.ts", "test/reliability/**/*.node.test.ts"],
          environment: "node",
          testTimeout: 30_000,
        },
      },
      {
        // Node-driven end-to-end tests: playwright-core steering Debian's Chromium against pages
        // served by vite on 127.0.0.1 (the demo, the benchmarks' quick mode, the smoke page).
        extends: true,
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts", "test/reliability/**/*.e2e.test.ts"],
          environment: "node",
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        extends: true,
        // The service-worker tests register test/browser/fixtures/sw.ts with scope "/" so that it
        // controls vitest's test iframe; a scope above the script's folder needs this header.
        plugins: [serviceWorkerAllowed("/test/browser/fixtures/sw.ts")],
        test: {
          name: "browser",
          include: ["test/browser/**/*.test.ts", "test/reliability/**/*.browser.test.ts"],
          globalSetup: ["test/support/global-setup.ts"],
          testTimeout: 60_000,
          browser: {
            enabled: true,
            headless: true,
            screenshotFailures: false,
            provider: playwright({ launchOptions: { executablePath: chromiumPath(), args: chromiumArgs } }),
            instances: [{ browser: "chromium" }],
            commands,
          },
        },
      },
    ],
  },
});
