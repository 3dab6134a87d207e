import { EngineUnavailableError } from "../errors/classes.js";
import { errorResponse } from "../http/reply.js";
import type { CancelMessage, ForwardedRequest, ResponseMessage } from "./protocol.js";

/** Statuses whose `Response` must not have a body. */
const NULL_BODY = new Set([101, 204, 205, 304]);

/** The page did not accept the request in time: it stopped serving, or it is frozen. */
export class PageSilentError extends Error {
  override readonly name = "PageSilentError";
}

/** A forwarded request: its response, and a promise that settles when the body has been sent. */
export interface Forwarded {
  /** Rejects with `PageSilentError` when the page does not accept the request in time. */
  response: Promise<Response>;
  done: Promise<void>;
}

/**
 * Sends `request` to `page` over a new MessageChannel and builds the `Response` from what comes
 * back: the head first, then the body's chunks as they arrive, so a streamed completion reaches
 * the client as it is generated. When the client aborts (`request.signal`) or cancels the body,
 * the page is told to cancel, which stops generation in its engine's worker. If the page goes
 * away mid-request (its port closes, where the browser reports that), the client gets a 503 or
 * a failed body instead of waiting forever.
 */
export function forward(request: Request, body: ArrayBuffer | null, page: Client, acceptTimeoutMs: number): Forwarded {
  const { port1: port, port2 } = new MessageChannel();
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  const started = performance.now();

  const response = new Promise<Response>((resolve, reject) => {
    let sink: ReadableStreamDefaultController<Uint8Array> | null = null;
    let ended = false;
    const end = (): void => {
      if (ended) return;
      ended = true;
      clearTimeout(acceptTimer);
      request.signal.removeEventListener("abort", onAbort);
      port.onmessage = null;
      port.close();
      finish();
    };
    const cancel = (): void => {
      const msg: CancelMessage = { t: "cancel" };
      if (!ended) port.postMessage(msg);
      end();
    };
    const onAbort = (): void => {
      const reason = request.signal.reason ?? new DOMException("This operation was aborted", "AbortError");
      if (sink) sink.error(reason);
      else reject(reason);
      cancel();
    };
    const onGone = (): void => {
      if (ended) return;
      const message = "The page that served pagellm's engine closed during the request.";
      if (sink) sink.error(new TypeError(message));
      else resolve(errorResponse(new EngineUnavailableError(message, "engine_page_gone"), started));
      end();
    };
    const acceptTimer = setTimeout(() => {
      reject(new PageSilentError(`Client ${page.id} did not accept the request within ${acceptTimeoutMs} ms.`));
      // A page that was only busy reads this cancel before it starts the request, instead of
      // generating a whole reply nobody will read while holding its engine's queue.
      cancel();
    }, acceptTimeoutMs);

    port.onmessage = (ev: MessageEvent<ResponseMessage>) => {
      const msg = ev.data;
      switch (msg.t) {
        case "accepted":
          clearTimeout(acceptTimer);
          break;
        case "head": {
          clearTimeout(acceptTimer);
          const stream = new ReadableStream<Uint8Array>({
            start: (ctrl) => void (sink = ctrl),
            cancel,
          });
          resolve(new Response(NULL_BODY.has(msg.status) ? null : stream, { status: msg.status, statusText: msg.statusText, headers: msg.headers }));
          break;
        }
        case "chunk":
          sink?.enqueue(new Uint8Array(msg.bytes));
          break;
        case "end":
          sink?.close();
          end();
          break;
        case "error":
          if (sink) sink.error(new TypeError(msg.message));
          // Before the head, the page's `engine.fetch` only fails when the page stops serving.
          else resolve(errorResponse(new EngineUnavailableError(`The page stopped serving pagellm's engine during the request: ${msg.message}`, "engine_page_gone"), started));
          end();
          break;
      }
    };
    // MessagePort's `close` event is new (Chromium has it); where it is missing, a page that
    // disappears mid-request leaves the request pending until the client gives up.
    port.addEventListener("close", onGone);
    request.signal.addEventListener("abort", onAbort, { once: true });
  });

  const message: ForwardedRequest = {
    pagellm: "fetch",
    url: request.url,
    method: request.method,
    headers: [...request.headers],
    body,
  };
  page.postMessage(message, body ? [port2, body] : [port2]);
  return { response, done };
}
