import type { Plugin } from "vite";

/**
 * A vite plugin that sends `Service-Worker-Allowed: /` with one script, so that the script can be
 * registered as a service worker whose scope is the whole origin. Browsers cap a worker's scope
 * at its script's folder unless the script's response carries this header, and vitest's test
 * iframe lives at `/__vitest_test__/`, far from `test/browser/fixtures/`.
 */
export function serviceWorkerAllowed(path: string): Plugin {
  return {
    name: "pagellm:service-worker-allowed",
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        if (req.url?.split("?")[0] === path) res.setHeader("Service-Worker-Allowed", "/");
        next();
      });
    },
  };
}
