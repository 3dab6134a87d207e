import { transfer } from "comlink";
import { APIUserAbortError, InternalServerError } from "../../errors/classes.js";
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionCreateParams, ChatCompletionCreateParamsNonStreaming, ChatCompletionCreateParamsStreaming } from "../../openai/chat.js";
import { Call, send } from "../../rpc/call.js";
import type { Connection } from "../../rpc/connection.js";
import { notPlain } from "../../rpc/plain.js";
import { Stream } from "../../engine/stream.js";

const abandoned = new FinalizationRegistry<Call>((call) => call.cancel());

/** Per-call options, as in the `openai` package. */
export interface RequestOptions {
  /** Aborting it cancels the request; the call rejects (or the stream throws) `APIUserAbortError`. */
  signal?: AbortSignal | undefined;
}

/** `engine.chat.completions`. */
export class Completions {
  constructor(private readonly live: () => Promise<Connection>) {}

  /**
   * Creates a chat completion, exactly as the `openai` package does: a `ChatCompletion`, or with
   * `stream: true` a `Stream` of `ChatCompletionChunk`s. Invalid requests reject with
   * `BadRequestError` naming the field in `param`; unknown models with `NotFoundError`.
   *
   * @example
   * ```ts
   * const reply = await engine.chat.completions.create({
   *   model: "Qwen2.5-0.5B-Instruct-q4f16_1-MLC",
   *   messages: [{ role: "user", content: "Say hello in French." }],
   *   max_tokens: 20,
   * });
   * console.log(reply.choices[0]?.message.content, reply.usage?.total_tokens);
   * ```
   */
  create(body: ChatCompletionCreateParamsNonStreaming, options?: RequestOptions): Promise<ChatCompletion>;
  create(body: ChatCompletionCreateParamsStreaming, options?: RequestOptions): Promise<Stream<ChatCompletionChunk>>;
  create(body: ChatCompletionCreateParams, options?: RequestOptions): Promise<ChatCompletion | Stream<ChatCompletionChunk>>;
  async create(body: ChatCompletionCreateParams, options: RequestOptions = {}): Promise<ChatCompletion | Stream<ChatCompletionChunk>> {
    const stream = typeof body === "object" && body !== null && body.stream === true;
    if (options.signal?.aborted) throw new APIUserAbortError();
    const impure = notPlain(body);
    if (impure) throw impure;
    const controller = new AbortController();
    const signal = options.signal ? AbortSignal.any([options.signal, controller.signal]) : controller.signal;
    const connection = await this.live();
    const call = new Call<ChatCompletionChunk>(connection, signal);
    const port = call.handOff(stream);
    send(call, port, body, connection.rpc((host) => host.call("chat.completions.create", body, transfer(port, [port]))));
    const first = await call.next();
    if (!stream) {
      if (first?.t !== "result") throw new InternalServerError("The worker ended the call without a result.");
      return first.result as ChatCompletion;
    }
    if (first?.t !== "chunk") throw new InternalServerError("The worker ended the stream before it began.");
    const result = new Stream<ChatCompletionChunk>(async function* () {
      let done = false;
      try {
        yield first.chunk;
        for (;;) {
          const msg = await call.next();
          if (!msg) break;
          if (msg.t === "chunk") yield msg.chunk;
        }
        done = true;
      } finally {
        // Leaving the loop early lands here: tell the worker to stop and free the model.
        if (!done) call.cancel();
      }
    }, controller);
    // A stream that is dropped without being read would hold the model's one queue until the
    // worker goes away; once the page forgets it, cancel it.
    abandoned.register(result, call);
    return result;
  }
}
