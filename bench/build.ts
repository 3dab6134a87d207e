import { resolve } from "node:path";
import { build } from "vite";

const PAGES = resolve(import.meta.dirname, "pages");

/**
 * Builds the bench pages and their workers with vite, production mode, as an app would ship
 * them. A build rather than the dev server: nothing is transformed or re-optimized while a
 * measurement runs, and what runs is minified, bundled code, the same kind users get.
 */
export async function buildPages(outDir: string): Promise<void> {
  await build({
    configFile: false,
    root: PAGES,
    base: "./",
    logLevel: "warn",
    build: {
      outDir,
      emptyOutDir: true,
      target: "es2022",
      sourcemap: false,
      reportCompressedSize: false,
      minify: process.env.BENCH_MINIFY !== "0",
      // WebLLM's 6 MB module would otherwise print a warning on every run.
      chunkSizeWarningLimit: 10_000,
      rolldownOptions: {
        input: { transport: resolve(PAGES, "transport.html"), render: resolve(PAGES, "render.html") },
        // Rolldown's note on slow plugins is about build time, which nobody here measures.
        checks: { bundlerTimings: false },
      },
    },
    worker: { format: "es" },
  });
}
