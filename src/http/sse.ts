import { toAPIError } from "../errors/classes.js";
import { abortReason } from "./abort.js";

const encoder = new TextEncoder();

/** The line that ends every successful stream, as OpenAI sends it. */
export const SSE_DONE = "data: [DONE]\n\n";

/** One server-sent event carrying `data` as JSON: `data: {...}\n\n`, after an `event: <type>` line when `named`. */
export function sseEvent(data: unknown, named = false): Uint8Array {
  return encoder.encode(`${named ? `event: ${(data as { type?: string }).type ?? "error"}\n` : ""}data: ${JSON.stringify(data)}\n\n`);
}

/** The parts of a started stream that `sseBody` needs. */
export interface SseSource<Item> {
  /** The first item, already read (the router needs its id for `x-request-id`). */
  first: Item;
  /** The rest of the items. */
  rest: AsyncIterator<Item>;
  /** Stops generation in the worker. Called when the reader cancels or the signal aborts. */
  stop: () => void;
}

/**
 * The bytes of an SSE response: one `data:` event per item, then `data: [DONE]`. The stream
 * pulls one item per read, so a slow reader slows the worker down through the engine's own flow
 * control instead of buffering here.
 *
 * - **Abort.** When `signal` aborts, generation stops and the body errors with the abort reason
 *   (an `AbortError`), which is what reading an aborted `fetch` body does.
 * - **Cancel.** When the reader cancels the body, generation stops.
 * - **Errors mid-stream.** The status line has already gone out, so an error is sent the way
 *   OpenAI sends one, as an event `data: {"error": {...}}`, and the stream ends without
 *   `[DONE]`. The `openai` SDK throws it as an `APIError`.
 * - **Named events.** With `named` (the Responses API), each event also has an `event: <type>`
 *   line, and the stream ends without `[DONE]`, as OpenAI frames them.
 */
export function sseBody<Item>(source: SseSource<Item>, signal: AbortSignal | null, named = false): ReadableStream<Uint8Array> {
  let finished = false;
  let onAbort: (() => void) | null = null;
  const finish = (): void => {
    finished = true;
    if (onAbort) signal?.removeEventListener("abort", onAbort);
  };
  return new ReadableStream<Uint8Array>({
    start(ctrl) {
      if (signal?.aborted) {
        finish();
        source.stop();
        ctrl.error(abortReason(signal));
        return;
      }
      onAbort = () => {
        if (finished) return;
        finish();
        source.stop();
        ctrl.error(abortReason(signal!));
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      ctrl.enqueue(sseEvent(source.first, named));
    },
    async pull(ctrl) {
      let result: IteratorResult<Item>;
      try {
        result = await source.rest.next();
      } catch (err) {
        if (finished) return;
        finish();
        ctrl.enqueue(sseEvent(toAPIError(err).toJSON(), named));
        ctrl.close();
        return;
      }
      if (finished) return;
      if (result.done) {
        finish();
        if (!named) ctrl.enqueue(encoder.encode(SSE_DONE));
        ctrl.close();
        return;
      }
      ctrl.enqueue(sseEvent(result.value, named));
    },
    cancel() {
      if (finished) return;
      finish();
      source.stop();
    },
  });
}
