import type {
  InputItemListParams,
  ResponseCreateParams,
  ResponseCreateParamsNonStreaming,
  ResponseCreateParamsStreaming,
} from "../../openai/responses-input.js";
import type { Response, ResponseDeleted, ResponseItemList, ResponseStreamEvent } from "../../openai/responses.js";
import type { Connection } from "../../rpc/connection.js";
import { invoke, type RequestOptions } from "../../rpc/invoke.js";
import type { EndpointName } from "../../rpc/wire.js";
import type { Stream } from "../../engine/stream.js";

/** `engine.responses.inputItems`. */
export interface InputItems {
  /** One page of a stored response's input items; `NotFoundError` when the id is not stored. */
  list(responseId: string, query?: InputItemListParams, options?: RequestOptions): Promise<ResponseItemList>;
}

/**
 * `engine.responses`: OpenAI's Responses API, named as the `openai` package names it. The page
 * side only carries calls to the worker, where requests are translated, run and stored.
 */
export class Responses {
  /** The input items of stored responses. */
  readonly inputItems: InputItems;

  constructor(private readonly live: () => Promise<Connection>) {
    this.inputItems = { list: (id, query = {}, options) => this.call("responses.inputItems.list", { ...query, id }, options) };
  }

  /**
   * Creates a response: a `Response`, or with `stream: true` a `Stream` of events in OpenAI's
   * order. Unless `store: false`, it is kept on this device, for `retrieve` and
   * `previous_response_id`. Fields pagellm cannot honour reject with `BadRequestError` naming them.
   *
   * @example
   * ```ts
   * const r = await engine.responses.create({ model: "Qwen2.5-0.5B-Instruct-q4f16_1-MLC", input: "Say hi.", max_output_tokens: 20 });
   * console.log(r.output_text, r.usage?.output_tokens);
   * ```
   */
  create(body: ResponseCreateParamsNonStreaming, options?: RequestOptions): Promise<Response>;
  create(body: ResponseCreateParamsStreaming, options?: RequestOptions): Promise<Stream<ResponseStreamEvent>>;
  create(body: ResponseCreateParams, options?: RequestOptions): Promise<Response | Stream<ResponseStreamEvent>>;
  create(body: ResponseCreateParams, options?: RequestOptions): Promise<Response | Stream<ResponseStreamEvent>> {
    return this.call("responses.create", body, options, body?.stream === true);
  }

  /** A stored response, as it is now; `NotFoundError` when the id is not stored. */
  retrieve(responseId: string, options?: RequestOptions): Promise<Response> {
    return this.call("responses.retrieve", { id: responseId }, options);
  }

  /** Removes a stored response from this device; `NotFoundError` when the id is not stored. */
  delete(responseId: string, options?: RequestOptions): Promise<ResponseDeleted> {
    return this.call("responses.delete", { id: responseId }, options);
  }

  private call<T>(endpoint: EndpointName, body: unknown, options: RequestOptions = {}, stream = false): Promise<T> {
    return invoke<ResponseStreamEvent>(this.live, endpoint, body, options, stream) as Promise<T>;
  }
}
