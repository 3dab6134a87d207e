import { EngineUnavailableError, toAPIError, type APIError } from "../errors/classes.js";
import { UsageError } from "../errors/usage.js";

/**
 * The headers every response carries. `x-request-id` is what the `openai` SDK exposes as
 * `_request_id` and prints in its logs; `openai-processing-ms` is the time to the first byte,
 * as OpenAI's servers report it.
 */
function baseHeaders(requestId: string, started: number, contentType: string): Headers {
  return new Headers({
    "content-type": contentType,
    "x-request-id": requestId,
    "openai-processing-ms": String(Math.max(0, Math.round(performance.now() - started))),
  });
}

/** A fresh id for responses that have no completion id of their own, shaped like OpenAI's. */
export function newRequestId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `req_${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

/** A 200 JSON response. `requestId` is the completion's id where there is one. */
export function jsonResponse(body: unknown, requestId: string, started: number): Response {
  return new Response(JSON.stringify(body), { status: 200, headers: baseHeaders(requestId, started, "application/json") });
}

/** A `text/event-stream` response around an SSE byte stream (see `sse.ts`). */
export function sseResponse(body: ReadableStream<Uint8Array>, requestId: string, started: number): Response {
  const headers = baseHeaders(requestId, started, "text/event-stream; charset=utf-8");
  headers.set("cache-control", "no-cache");
  return new Response(body, { status: 200, headers });
}

/**
 * Any failure as OpenAI's REST API sends it: `{ error: { message, type, param, code } }` with the
 * class's status (a non-`APIError` becomes a 500 `InternalServerError`). `x-should-retry: false`
 * stops the `openai` SDK's automatic retries, which would otherwise resend a request that fails
 * the same way every time (it retries every 5xx by default) and multiply the wait by four.
 */
export function errorResponse(err: unknown, started: number, extra: Record<string, string> = {}): Response {
  // An engine the app closed is, to a REST client, a service that is not there: 503.
  const e: APIError = err instanceof UsageError ? new EngineUnavailableError(err.message, err.code) : toAPIError(err);
  const headers = baseHeaders(newRequestId(), started, "application/json");
  headers.set("x-should-retry", "false");
  for (const [name, value] of Object.entries(extra)) headers.set(name, value);
  return new Response(JSON.stringify(e.toJSON()), { status: e.status ?? 500, headers });
}
