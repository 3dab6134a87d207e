/**
 * The demo's worker: it serves pagellm with WebLLM, which `serve()` imports only here, so the
 * page never downloads WebLLM's 6 MB.
 *
 * The test backend is behind a build-time switch. Vite replaces `import.meta.env.VITE_PAGELLM_FAKE`
 * with a constant, so in a normal build the branch is `if (false)` and the fake (and pagellm's
 * testing module) are dropped from the bundle: a person can never meet a fake model.
 */
import type { Backend } from "../src/worker.js";
import { serve } from "../src/worker.js";

/**
 * A backend that finishes importing on first use. `serve()` must run synchronously at the top
 * of the worker, because a dedicated worker drops messages that arrive before anyone listens.
 */
function lazy(load: () => Promise<Backend>): Backend {
  let backend: Promise<Backend> | null = null;
  let ready: Backend | null = null;
  const get = (): Promise<Backend> => (backend ??= load().then((b) => (ready = b)));
  return {
    // The host reads capabilities after listing the catalog, which has loaded the backend.
    get capabilities() {
      return ready?.capabilities ?? { jsonObject: false, jsonSchema: false, logprobs: false, grammar: false, vision: false, embeddings: false };
    },
    listModels: async () => (await get()).listModels(),
    load: async (model, ctx) => (await get()).load(model, ctx),
    unload: async () => (await get()).unload(),
    async *generate(request, signal) {
      yield* (await get()).generate(request, signal);
    },
  };
}

if (import.meta.env.VITE_PAGELLM_FAKE === "1") {
  serve({ backend: lazy(() => import("./fake-backend.js").then((m) => m.demoFakeBackend())) });
} else {
  serve();
}
