import { APIUserAbortError, serializeError } from "../errors.js";
import type { CallDownMessage, CallUpMessage } from "../protocol.js";

let open = 0;

/** Call ports that are open now, across every connection; `stats()` reports it. */
export const openCallPorts = (): number => open;

/**
 * The worker's end of one call's MessagePort. The page grants credits; `send` waits while none
 * are left, so a slow page slows generation down instead of buffering without bound. A `cancel`
 * message, or a page that goes away, aborts `signal`. `close` is idempotent and frees everything.
 */
export class CallPort {
  private readonly controller = new AbortController();
  private credit = 0;
  private wake: (() => void) | null = null;
  private closed = false;
  readonly signal = this.controller.signal;

  constructor(private readonly port: MessagePort) {
    open++;
    port.onmessage = (ev: MessageEvent<CallUpMessage>) => {
      const msg = ev.data;
      if (msg.t === "credit") {
        this.credit += msg.n;
      } else {
        this.controller.abort(new APIUserAbortError());
      }
      this.wake?.();
    };
    port.start?.();
  }

  /** Sends one message that needs a credit, waiting for one if none is left. */
  async send(msg: CallDownMessage): Promise<void> {
    while (this.credit <= 0) {
      if (this.signal.aborted || this.closed) throw new APIUserAbortError();
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = null;
    }
    if (this.signal.aborted || this.closed) throw new APIUserAbortError();
    this.credit--;
    this.port.postMessage(msg);
  }

  /** Sends a message that needs no credit: progress, or the final result. */
  post(msg: CallDownMessage): void {
    if (!this.closed) this.port.postMessage(msg);
  }

  /** Sends the error (unless the page cancelled, and so knows already) and closes. */
  fail(err: unknown): void {
    if (!this.signal.aborted) this.post({ t: "error", error: serializeError(err) });
    this.close();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    open--;
    this.port.onmessage = null;
    this.port.close();
    this.controller.abort(new APIUserAbortError());
    this.wake?.();
  }
}
