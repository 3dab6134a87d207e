import type { ChatCompletion, ChatCompletionChunk, ChatCompletionCreateParams, ChatCompletionCreateParamsNonStreaming, ChatCompletionCreateParamsStreaming } from "../../openai/chat.js";
import type { Connection } from "../../rpc/connection.js";
import { invoke, type RequestOptions } from "../../rpc/invoke.js";
import type { Stream } from "../../engine/stream.js";

export type { RequestOptions } from "../../rpc/invoke.js";

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
  create(body: ChatCompletionCreateParams, options: RequestOptions = {}): Promise<ChatCompletion | Stream<ChatCompletionChunk>> {
    const stream = typeof body === "object" && body !== null && body.stream === true;
    return invoke<ChatCompletionChunk>(this.live, "chat.completions.create", body, options, stream) as Promise<ChatCompletion | Stream<ChatCompletionChunk>>;
  }
}
