import { fileURLToPath } from "node:url";
import { defineConfig, type Plugin } from "vite";

// The demo is its own vite app rooted here, importing pagellm straight from ../src (it is the
// in-repo demo, so it always runs the code beside it). `npm run demo` serves it; a static build
// (`npx vite build --config demo/vite.config.ts`) lands in demo/dist, with the service worker
// and manifest from demo/public beside it.
const root = fileURLToPath(new URL(".", import.meta.url));
const repo = fileURLToPath(new URL("..", import.meta.url));

/**
 * Writes precache.json: every file of the build, for the service worker to cache on install, so
 * that one visit is enough for the demo to open offline. The worker and WebLLM's chunk are in
 * the list: without them the page would open offline but could not run a cached model.
 */
function precacheList(): Plugin {
  return {
    name: "pagellm-demo-precache",
    apply: "build",
    enforce: "post",
    generateBundle(_options, bundle) {
      const files = Object.keys(bundle).filter((f) => !f.endsWith(".map") && !f.startsWith(".vite/")).sort();
      this.emitFile({ type: "asset", fileName: "precache.json", source: JSON.stringify(files) });
    },
  };
}

export default defineConfig({
  plugins: [precacheList()],
  root,
  // Relative URLs, so that the built demo also works from a sub-path (GitHub Pages and the like)
  // and the service worker's scope is wherever the demo is hosted.
  base: "./",
  // Its own pre-bundle cache: the library's vitest config pre-bundles into the default one, and
  // two configs sharing a cache keep invalidating each other (and race when run side by side).
  cacheDir: fileURLToPath(new URL("../node_modules/.vite-demo", import.meta.url)),
  server: {
    // WebGPU needs a secure context, and 127.0.0.1 is one over plain http.
    host: "127.0.0.1",
    port: 5173,
    strictPort: false,
    fs: { allow: [repo] },
  },
  preview: { host: "127.0.0.1", port: 4173, strictPort: false },
  // pagellm's worker is an ES module (it uses dynamic import for WebLLM).
  worker: { format: "es" },
  // Pre-bundled up front: otherwise vite discovers them on first use and reloads the page, which
  // a person sees as a flash and a test sees as a flaky navigation.
  optimizeDeps: {
    entries: ["index.html", "worker.ts"],
    include: ["comlink", "@mlc-ai/web-llm", "marked", "dompurify"],
  },
  build: {
    target: "es2022",
    outDir: "dist",
    emptyOutDir: true,
    chunkSizeWarningLimit: 8000,
  },
});
