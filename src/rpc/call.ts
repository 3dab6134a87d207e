import { APIUserAbortError, type APIError } from "../errors/classes.js";
import { deserializeError, serializeError } from "../errors/serialize.js";
import { onAbort } from "../util/abort.js";
import { yieldTask } from "./next-task.js";
import { unsendable } from "./unsendable.js";
import type { CallDownMessage, CallUpMessage, ModerateHook } from "./wire.js";

/**
 * How many chunks the page lets the worker send ahead of what it has read. A few hundred small
 * chunks are tens of kilobytes; a window that size lets the worker keep sending through a
 * scheduling hiccup on a busy machine, where 64 made it wait for credits more often.
 */
const WINDOW = 256;

/**
 * How long the page hands queued messages to a reader within one task before it lets the browser
 * paint and handle input. The worker sends the chunks of one of its tasks as one message (a fast
 * backend makes dozens per task), so a reader that does real work per chunk (a Markdown
 * re-render, a forced layout) would otherwise turn one message into one long task.
 */
const SLICE_MS = 8;

/** The calls still open on one connection, so that a dead worker can fail them all at once. */
export type CallRegistry = Set<{ fail(err: APIError): void }>;

/** What a call needs from its connection. */
export interface CallOwner {
  readonly calls: CallRegistry;
  /** The page's moderation hook, asked about the output before the app sees it. */
  readonly moderate?: ModerateHook | undefined;
}

/**
 * The page's end of one call's MessagePort. Messages queue until read. Reading grants the
 * worker credits in batches of half the window, which keeps the worker busy without letting it
 * run ahead of a slow reader. `fail` settles the call from this side (an abort, a dead worker)
 * without waiting for the worker, so a stuck worker can never hang the caller.
 */
export class Call<Item = unknown> {
  readonly port: MessagePort;
  private readonly remote: MessagePort;
  private readonly inbox: CallDownMessage<Item>[] = [];
  private waiter: (() => void) | null = null;
  private failure: APIError | null = null;
  private finished = false;
  private read = 0;
  /** When the current slice of reading began: the arrival of a message, or the end of a yield. */
  private sliceStart = 0;
  private readonly registry: CallRegistry;
  private readonly unlisten: () => void;
  /** The output so far, as the moderation hook sees it, and the verdicts given in order. */
  private moderated = "";
  private verdicts: Promise<void> = Promise.resolve();

  constructor(
    private readonly owner: CallOwner,
    private readonly signal?: AbortSignal,
  ) {
    this.registry = owner.calls;
    const channel = new MessageChannel();
    this.port = channel.port1;
    this.remote = channel.port2;
    this.port.onmessage = (ev: MessageEvent<CallDownMessage<Item>>) => {
      const msg = ev.data;
      // Answered here, not by the reader: the worker holds the text back until the verdict.
      if (msg.t === "moderate") return this.judge(msg.seq, msg.texts);
      this.sliceStart = performance.now();
      // The worker batches the chunks of one task into one message; readers see them one by one.
      if (msg.t === "chunks") for (const chunk of msg.chunks) this.inbox.push({ t: "chunk", chunk });
      else this.inbox.push(msg);
      this.waiter?.();
    };
    this.port.start?.();
    this.registry.add(this);
    this.unlisten = signal ? onAbort(signal, () => this.cancel(new APIUserAbortError())) : () => {};
  }

  /**
   * Runs the page's moderation hook on the whole output so far after each piece, one question
   * at a time in the order asked, and answers the worker. The worker sends only the new pieces,
   * so what crosses the boundary per delta is the delta; the first flagged piece ends the asking.
   */
  private judge(seq: number, texts: string[]): void {
    const hook = this.owner.moderate;
    this.verdicts = this.verdicts.then(async () => {
      try {
        let flaggedAt = -1;
        for (let i = 0; i < texts.length && flaggedAt < 0; i++) {
          this.moderated += texts[i] ?? "";
          if (hook && (await hook(this.moderated)) === true) flaggedAt = i;
        }
        this.up({ t: "verdict", seq, flaggedAt });
      } catch (err) {
        this.up({ t: "verdict", seq, flaggedAt: 0, error: serializeError(err) });
      }
    });
  }

  /** The port to transfer to the worker, with the first credits already granted. */
  handOff(stream: boolean): MessagePort {
    if (this.signal?.aborted) this.cancel(new APIUserAbortError());
    if (stream) this.up({ t: "credit", n: WINDOW });
    return this.remote;
  }

  /** The next message, `null` after the end; throws the call's error. */
  async next(): Promise<CallDownMessage<Item> | null> {
    for (;;) {
      if (this.failure) throw this.failure;
      if (this.inbox.length > 0 && performance.now() - this.sliceStart > SLICE_MS) {
        await yieldTask();
        this.sliceStart = performance.now();
        continue;
      }
      const msg = this.inbox.shift();
      if (msg) return this.accept(msg);
      if (this.finished) return null;
      await new Promise<void>((resolve) => (this.waiter = resolve));
      this.waiter = null;
    }
  }

  /** Ends the call from the page: tells the worker to stop, and fails any reader with `err`. */
  cancel(err: APIError = new APIUserAbortError()): void {
    if (this.finished) return;
    this.up({ t: "cancel" });
    this.fail(err);
  }

  /** Settles the call with `err` without telling the worker (which may be gone). */
  fail(err: APIError): void {
    if (this.finished) return;
    this.failure = err;
    this.close();
  }

  private accept(msg: CallDownMessage<Item>): CallDownMessage<Item> | null {
    switch (msg.t) {
      case "error":
        this.fail(deserializeError(msg.error));
        throw this.failure;
      case "chunk":
        if (++this.read >= WINDOW / 2) {
          this.up({ t: "credit", n: this.read });
          this.read = 0;
        }
        return msg;
      case "end":
        this.close();
        return null;
      case "result":
      case "loaded":
        this.close();
        return msg;
      default:
        return msg;
    }
  }

  private up(msg: CallUpMessage): void {
    if (!this.finished) this.port.postMessage(msg);
  }

  private close(): void {
    if (this.finished) return;
    this.finished = true;
    this.registry.delete(this);
    this.unlisten();
    this.port.onmessage = null;
    this.port.close();
    this.waiter?.();
  }
}

/**
 * Watches the remote call that hands a call's port to the worker. The caller reads the call's
 * own port and does not wait for this: the worker acknowledges only when its thread is free
 * (after a long synchronous load, or a backlog of thousands of requests), and an abort or a
 * dead worker must settle the caller at once. If the request cannot be sent at all (a value
 * `postMessage` cannot clone), the call fails with that, as a 400.
 */
export function send(call: Call, port: MessagePort, body: unknown, sending: Promise<void>): void {
  sending.catch((err: unknown) => {
    call.fail(unsendable(err, body));
    // Frees our end of the port if it never left; a port that was transferred is already detached.
    try {
      port.close();
    } catch {
      // Nothing to free.
    }
  });
}
