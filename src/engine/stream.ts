/**
 * A stream of server-sent items, shaped like the `openai` package's `Stream`: iterate it with
 * `for await`, abort it with `controller.abort()`, or hand it on with `toReadableStream()`.
 * Leaving the loop early (`break`, `return`, a thrown error) cancels generation in the worker
 * and frees the model for the next request. A stream can be iterated once.
 *
 * @example
 * ```ts
 * const stream = await engine.chat.completions.create({ model, messages, stream: true });
 * for await (const chunk of stream) out.textContent += chunk.choices[0]?.delta.content ?? "";
 * ```
 */
export class Stream<Item> implements AsyncIterable<Item> {
  private used = false;

  constructor(
    private readonly source: () => AsyncIterator<Item>,
    /** Aborting it cancels the generation; the iterator then throws `APIUserAbortError`. */
    readonly controller: AbortController,
  ) {}

  [Symbol.asyncIterator](): AsyncIterator<Item> {
    if (this.used) throw new Error("Cannot iterate over a consumed stream; use `.tee()` to split it.");
    this.used = true;
    return this.source();
  }

  /**
   * Splits the stream into two that each see every item, in order; reading one does not wait for
   * the other. Generation is cancelled once both branches have been left early.
   */
  tee(): [Stream<Item>, Stream<Item>] {
    const iterator = this[Symbol.asyncIterator]();
    // Each pull is pushed to both queues before it settles, so neither branch can reorder items.
    const queues: Promise<IteratorResult<Item>>[][] = [[], []];
    let open = 2;
    const branch = (own: Promise<IteratorResult<Item>>[], other: Promise<IteratorResult<Item>>[]) => (): AsyncIterator<Item> => ({
      next(): Promise<IteratorResult<Item>> {
        const queued = own.shift();
        if (queued) return queued;
        const pulled = iterator.next();
        other.push(pulled);
        return pulled;
      },
      async return(): Promise<IteratorResult<Item>> {
        if (--open === 0) await iterator.return?.();
        return { done: true, value: undefined };
      },
    });
    const [a, b] = queues as [Promise<IteratorResult<Item>>[], Promise<IteratorResult<Item>>[]];
    return [new Stream(branch(a, b), this.controller), new Stream(branch(b, a), this.controller)];
  }

  /**
   * The items as newline-delimited JSON bytes, the same encoding the `openai` package uses, so a
   * stream can cross to another context (a Response, a transfer) and be rebuilt with
   * `Stream.fromReadableStream`. Cancelling the ReadableStream cancels the generation.
   */
  toReadableStream(): ReadableStream<Uint8Array> {
    const iterator = this[Symbol.asyncIterator]();
    const encoder = new TextEncoder();
    return new ReadableStream<Uint8Array>({
      async pull(ctrl) {
        try {
          const { value, done } = await iterator.next();
          if (done) return ctrl.close();
          ctrl.enqueue(encoder.encode(`${JSON.stringify(value)}\n`));
        } catch (err) {
          ctrl.error(err);
        }
      },
      async cancel() {
        await iterator.return?.();
      },
    });
  }

  /** Rebuilds a stream from `toReadableStream()`'s bytes. */
  static fromReadableStream<Item>(readable: ReadableStream<Uint8Array>, controller = new AbortController()): Stream<Item> {
    return new Stream<Item>(async function* () {
      const reader = readable.getReader();
      const decoder = new TextDecoder();
      let buffer = "";
      try {
        for (;;) {
          const { value, done } = await reader.read();
          buffer += done ? decoder.decode() : decoder.decode(value, { stream: true });
          const lines = buffer.split("\n");
          buffer = lines.pop() ?? "";
          for (const line of lines) if (line.trim()) yield JSON.parse(line) as Item;
          if (done) break;
        }
        if (buffer.trim()) yield JSON.parse(buffer) as Item;
      } finally {
        reader.releaseLock();
      }
    }, controller);
  }
}
