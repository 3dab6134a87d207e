import { APIError, BadRequestError } from "../errors/classes.js";

/** Request bodies larger than this are refused with 413. Chat requests are text; 4 MiB is about a million tokens. */
export const MAX_BODY_BYTES = 4 * 1024 * 1024;

/** A `fetch` call's arguments, read the way the platform's `fetch` reads them. */
export interface RestRequest {
  method: string;
  /** The URL's path, without query or fragment. */
  path: string;
  /** The URL's query. */
  query: URLSearchParams;
  signal: AbortSignal | null;
  /** The body's bytes as a `ReadableStream`, or null when there is none. */
  body: ReadableStream<Uint8Array> | null;
}

/**
 * Normalizes `fetch(input, init)`: `input` may be a string, a `URL` or a `Request`, and `init`
 * overrides what a `Request` carries, as in the platform's `fetch`. Relative URLs resolve against
 * the page, but only the path matters to the router, so any host works.
 */
export function readRequest(input: RequestInfo | URL, init: RequestInit | undefined): RestRequest {
  const req = typeof Request !== "undefined" && input instanceof Request ? input : null;
  const href = req ? req.url : String(input);
  const base = globalThis.location?.href ?? "http://localhost/";
  const url = new URL(href, base);
  const method = (init?.method ?? req?.method ?? "GET").toUpperCase();
  const signal = init?.signal ?? req?.signal ?? null;
  let body: ReadableStream<Uint8Array> | null = null;
  if (init?.body !== undefined && init.body !== null) body = new Response(init.body).body;
  else if (req && init?.body === undefined) body = req.body;
  return { method, path: url.pathname, query: url.searchParams, signal, body };
}

/** 413, for a body over `limit` bytes. */
export class RequestTooLargeError extends APIError {
  override readonly name: string = "RequestTooLargeError";
  constructor(limit: number) {
    super(413, `The request body is larger than pagellm's limit of ${limit} bytes.`, {
      type: "invalid_request_error",
      code: "request_too_large",
    });
  }
}

/**
 * Reads the body as JSON. It stops reading, and fails with 413, as soon as the body passes
 * `limit` bytes, so a huge body is never held in memory whole; anything that is not JSON fails
 * with 400, as OpenAI's API does.
 */
export async function readJsonBody(body: ReadableStream<Uint8Array> | null, limit = MAX_BODY_BYTES): Promise<unknown> {
  const parts: Uint8Array[] = [];
  let size = 0;
  if (body) {
    const reader = body.getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        await reader.cancel().catch(() => {});
        throw new RequestTooLargeError(limit);
      }
      parts.push(value);
    }
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const part of parts) {
    bytes.set(part, at);
    at += part.byteLength;
  }
  try {
    return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {
    throw new BadRequestError(
      size === 0
        ? "The request has no body. POST a JSON object such as {\"model\": \"...\", \"messages\": [...]}."
        : "We could not parse the JSON body of your request. pagellm expects a JSON payload, like OpenAI's API.",
    );
  }
}
