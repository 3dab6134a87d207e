import type { ChatCompletionChunk } from "../../openai/chat.js";

/**
 * How many content chunks may wait for the page's moderation verdict at once. The pipeline asks
 * about each delta as soon as the backend makes it and keeps generating; chunks leave, in order,
 * once approved. A round trip to the page per delta would otherwise stall every token, and
 * undo the batching of chunks into one message per worker task.
 */
const WINDOW = 64;

interface Held {
  chunk: ChatCompletionChunk;
  verdict: Promise<boolean>;
  settled: boolean;
}

/**
 * Holds content chunks until the page's moderation hook has passed their text. Without a hook
 * every chunk passes at once. Once a verdict flags its text, `flagged` is true and nothing held,
 * or offered later, is ever released.
 */
export class ModerationGate {
  private readonly held: Held[] = [];
  flagged = false;

  constructor(private readonly ask: ((delta: string) => Promise<boolean>) | undefined) {}

  /** Offers a content chunk carrying `text`; yields the chunks that may go now, in order. */
  async *offer(chunk: ChatCompletionChunk, text: string): AsyncGenerator<ChatCompletionChunk> {
    if (this.flagged) return;
    if (!this.ask || (text.length === 0 && this.held.length === 0)) return yield chunk;
    const entry: Held = { chunk, verdict: text.length > 0 ? this.ask(text) : Promise.resolve(false), settled: false };
    entry.verdict.then(
      () => (entry.settled = true),
      () => (entry.settled = true),
    );
    this.held.push(entry);
    yield* this.release(false);
  }

  /**
   * Yields held chunks whose verdict is in (every one of them with `all`, waiting as needed),
   * in order; a flagged one ends the reply and nothing after it is sent.
   */
  async *release(all: boolean): AsyncGenerator<ChatCompletionChunk> {
    while (this.held.length > 0) {
      const head = this.held[0] as Held;
      if (!all && !head.settled && this.held.length < WINDOW) return;
      if (await head.verdict) {
        this.flagged = true;
        this.held.length = 0;
        return;
      }
      this.held.shift();
      yield head.chunk;
    }
  }
}
