import { abortReason } from "./abort.js";
import { raceAbort } from "../util/abort.js";
import { MAX_BODY_BYTES, readRequest } from "./request.js";
import { errorResponse } from "./reply.js";
import { MethodNotAllowedError, route, type RestEngine } from "./router.js";

/** Options of `createFetch`. */
export interface CreateFetchOptions {
  /** Request bodies over this many bytes get 413. Default 4 MiB (about a million tokens of text). */
  maxBodyBytes?: number;
}

/**
 * A standard `fetch` function that answers OpenAI's REST API from `engine`, in the page, with no
 * network. Pass it to any client that accepts a custom `fetch`. `engine.fetch` is the same with
 * default options; importing `createFetch` is how an app sets them (and it costs nothing to
 * apps that never import it or call `engine.fetch`).
 *
 * - `POST …/chat/completions`: JSON, or `text/event-stream` with `stream: true`.
 * - `GET …/models` and `GET …/models/{id}`.
 * - Anything else: 404, or 405 for a known path with the wrong method.
 *
 * Failures are responses with OpenAI's error body, the status of their class and
 * `x-should-retry: false`. Aborting `init.signal` stops generation in the worker and rejects the
 * call (or errors the body mid-stream) with the signal's reason, an `AbortError`, as the
 * platform's `fetch` does.
 */
export function createFetch(engine: RestEngine, options: CreateFetchOptions = {}): typeof fetch {
  const limit = options.maxBodyBytes ?? MAX_BODY_BYTES;
  return async function pagellmFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    const started = performance.now();
    const req = readRequest(input, init);
    const { signal } = req;
    if (signal?.aborted) throw abortReason(signal);
    try {
      return await raceAbort(route(engine, req, started, limit), signal, () => abortReason(signal!));
    } catch (err) {
      if (signal?.aborted) throw abortReason(signal);
      return errorResponse(err, started, err instanceof MethodNotAllowedError ? { allow: err.allow } : {});
    }
  };
}
