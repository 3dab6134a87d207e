import { resolve } from "node:path";
import { build } from "vite";

const PAGES = resolve(import.meta.dirname, "pages");

/**
 * Builds bench pages and their workers with vite, production mode, as an app would ship them. A
 * build rather than the dev server: nothing is transformed or re-optimized while a measurement
 * runs, and what runs is minified, bundled code, the same kind users get. `alias` maps import
 * specifiers (the real-inference page resolves `@mlc-ai/web-llm` to the WebLLM that links its
 * library).
 */
export async function buildSite(root: string, input: Record<string, string>, outDir: string, alias: Record<string, string> = {}): Promise<void> {
  await build({
    configFile: false,
    root,
    base: "./",
    logLevel: "warn",
    resolve: { alias },
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
        input,
        // Rolldown's note on slow plugins is about build time, which nobody here measures.
        checks: { bundlerTimings: false },
      },
    },
    worker: { format: "es" },
  });
}

/** The transport and render pages. */
export function buildPages(outDir: string): Promise<void> {
  return buildSite(PAGES, { transport: resolve(PAGES, "transport.html"), render: resolve(PAGES, "render.html") }, outDir);
}
