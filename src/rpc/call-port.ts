import { APIUserAbortError } from "../errors/classes.js";
import { deserializeError, serializeError } from "../errors/serialize.js";
import { nextTask } from "./next-task.js";
import type { CallDownMessage, CallUpMessage } from "./wire.js";

let open = 0;
/** Every open call port, so that a page that went away can have all of its calls ended. */
type Owner = Set<CallPort>;

/** A moderation question: the pieces of output it asks about, each waiting for its verdict. */
interface Question {
  seq: number;
  pieces: { text: string; resolve: (flagged: boolean) => void; reject: (err: unknown) => void }[];
}

/** Call ports that are open now, across every connection; `stats()` reports it. */
export const openCallPorts = (): number => open;

/**
 * The worker's end of one call's MessagePort. The page grants credits; `send` waits while none
 * are left, so a slow page slows generation down instead of buffering without bound. A `cancel`
 * message, or a page that goes away, aborts `signal`. `close` is idempotent and frees everything.
 *
 * Chunks produced in the same task leave together, as one `chunks` message, at the end of that
 * task. A model that makes one token per GPU step (a task each) still sends every chunk as soon
 * as its task ends; a backend that makes many in one task pays for one message instead of many.
 * One message per chunk capped pagellm near 50k chunks/s in Chromium, under a fifth of what the
 * page reads with no worker at all (bench/, `npm run bench`).
 */
export class CallPort {
  private readonly controller = new AbortController();
  private credit = 0;
  private wake: (() => void) | null = null;
  private closed = false;
  /** Chunks waiting for the end of the current task; each has already used its credit. */
  private batch: unknown[] = [];
  private flushQueued = false;
  /** Whether a chunk has been sent yet. */
  private started = false;
  /** Moderation questions sent or being gathered, by sequence number, until their verdict. */
  private readonly verdicts = new Map<number, Question>();
  private nextSeq = 0;
  /** The question being gathered in this task, sent at its end. */
  private question: Question | null = null;
  readonly signal = this.controller.signal;

  constructor(
    private readonly port: MessagePort,
    /** The calls of the same connection, which this one joins while it is open. */
    private readonly owner?: Owner,
  ) {
    open++;
    owner?.add(this);
    port.onmessage = (ev: MessageEvent<CallUpMessage>) => {
      const msg = ev.data;
      if (msg.t === "credit") {
        this.credit += msg.n;
      } else if (msg.t === "verdict") {
        const question = this.verdicts.get(msg.seq);
        this.verdicts.delete(msg.seq);
        question?.pieces.forEach((p, i) => {
          if (msg.error) p.reject(deserializeError(msg.error));
          else p.resolve(msg.flaggedAt >= 0 && i >= msg.flaggedAt);
        });
      } else {
        this.controller.abort(new APIUserAbortError());
      }
      this.wake?.();
    };
    // Chromium and Node fire `close` when the page's end goes away (a closed tab of a
    // SharedWorker, a collected stream): stop generating instead of waiting for credits forever.
    port.addEventListener?.("close", () => {
      this.controller.abort(new APIUserAbortError());
      this.wake?.();
    });
    port.start?.();
  }

  /** Sends one message that needs a credit, waiting for one if none is left. */
  async send(msg: CallDownMessage): Promise<void> {
    while (this.credit <= 0) {
      if (this.signal.aborted || this.closed) throw new APIUserAbortError();
      // The page cannot grant more until it has what it paid for.
      this.flush();
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = null;
    }
    if (this.signal.aborted || this.closed) throw new APIUserAbortError();
    this.credit--;
    // The first chunk goes at once: the time to first token must not wait for the task to end.
    if (msg.t !== "chunk" || !this.started) {
      this.started = true;
      this.flush();
      this.port.postMessage(msg);
      return;
    }
    this.batch.push(msg.chunk);
    if (!this.flushQueued) {
      this.flushQueued = true;
      nextTask(() => {
        this.flushQueued = false;
        this.flush();
      });
    }
  }

  /** Sends a message that needs no credit: progress, or the final result. Batched chunks go first. */
  post(msg: CallDownMessage): void {
    if (this.closed) return;
    this.flush();
    this.port.postMessage(msg);
  }

  /** Posts the batched chunks now: one as a `chunk` message, several as one `chunks` message. */
  private flush(): void {
    const chunks = this.batch;
    if (chunks.length === 0 || this.closed) return;
    this.batch = [];
    const msg: CallDownMessage = chunks.length === 1 ? { t: "chunk", chunk: chunks[0] } : { t: "chunks", chunks };
    this.port.postMessage(msg);
  }

  /**
   * Asks the page's moderation hook about `text`, the output since the last question; resolves
   * `true` when it is flagged. Several questions may be in flight; the page answers them in
   * order. The questions of one task travel as one message, and are still judged one by one.
   * Rejects with `APIUserAbortError` when the call ends first, so a page that goes away never
   * strands the pipeline.
   */
  moderate(text: string): Promise<boolean> {
    if (this.closed || this.signal.aborted) return Promise.reject(new APIUserAbortError());
    let question = this.question;
    if (!question) {
      const asked: Question = { seq: this.nextSeq++, pieces: [] };
      question = this.question = asked;
      this.verdicts.set(asked.seq, asked);
      nextTask(() => {
        this.question = null;
        this.post({ t: "moderate", seq: asked.seq, texts: asked.pieces.map((p) => p.text) });
      });
    }
    const pieces = question.pieces;
    return new Promise<boolean>((resolve, reject) => pieces.push({ text, resolve, reject }));
  }

  /** Ends the call because its page is gone: generation stops and nothing more is sent. */
  abandon(): void {
    this.controller.abort(new APIUserAbortError());
    this.close();
  }

  /** Sends the error (unless the page cancelled, and so knows already) and closes. */
  fail(err: unknown): void {
    if (!this.signal.aborted) this.post({ t: "error", error: serializeError(err) });
    this.close();
  }

  close(): void {
    if (this.closed) return;
    this.owner?.delete(this);
    // Chunks still batched go out unless the page has cancelled (then it reads nothing more).
    if (!this.signal.aborted) this.flush();
    this.closed = true;
    open--;
    this.port.onmessage = null;
    this.port.close();
    this.controller.abort(new APIUserAbortError());
    for (const question of this.verdicts.values()) for (const p of question.pieces) p.reject(new APIUserAbortError());
    this.verdicts.clear();
    this.wake?.();
  }
}
