import { APIError, BadRequestError, toAPIError } from "../errors/classes.js";

/**
 * Turns a failure to post a request to the worker into an OpenAI error: the fallback for what
 * `notPlain` does not catch first (a WeakMap, a DOM node). `postMessage` throws `DataCloneError`
 * for those and `RangeError` for nesting deeper than its stack; neither is an `APIError`, and the
 * hosted API would have answered such a body with a 400. The error names the first top-level
 * field that cannot be cloned, found by cloning each field on its own (only on this error path).
 */
export function unsendable(err: unknown, body: unknown): APIError {
  if (err instanceof APIError) return err;
  const name = (err as { name?: unknown } | null)?.name;
  if (name !== "DataCloneError" && !(err instanceof RangeError)) return toAPIError(err);
  let param: string | null = null;
  if (typeof body === "object" && body !== null && typeof structuredClone === "function") {
    for (const [key, value] of Object.entries(body)) {
      try {
        structuredClone(value);
      } catch {
        param = key;
        break;
      }
    }
  }
  const why = err instanceof RangeError ? "it is nested too deeply" : (err as Error).message;
  return new BadRequestError(
    `The request cannot be sent to the worker: ${why}. A request must be plain JSON data: no functions, symbols, class instances or DOM objects.`,
    param,
  );
}
