/**
 * The objects of OpenAI's Responses API as pagellm returns them: the `Response`, its output
 * items, the input item list, and the stream events. Names and shapes follow openai-node 6.x
 * (`resources/responses`), narrowed to what a local model produces.
 */
import type { FunctionTool, ResponseInputText, ResponseTextConfig, ToolChoiceFunction, ToolChoiceOptions } from "./responses-input.js";

/** A piece of output text. Local models cite nothing and pagellm reports no Responses logprobs, so both lists are empty. */
export interface ResponseOutputText {
  annotations: never[];
  text: string;
  type: "output_text";
  logprobs?: never[];
}

/** A refusal, as earlier output may carry it when sent back as input. pagellm's models never produce one. */
export interface ResponseOutputRefusal {
  refusal: string;
  type: "refusal";
}

/** An assistant message: the model's answer (`msg_…`). */
export interface ResponseOutputMessage {
  id: string;
  content: (ResponseOutputText | ResponseOutputRefusal)[];
  role: "assistant";
  status: "in_progress" | "completed" | "incomplete";
  type: "message";
  phase?: "commentary" | "final_answer" | null;
}

/** A call of one of your functions (`fc_…`); answer it with a `function_call_output` item with the same `call_id`. */
export interface ResponseFunctionToolCall {
  arguments: string;
  call_id: string;
  name: string;
  type: "function_call";
  id?: string;
  status?: "in_progress" | "completed" | "incomplete";
}

/** The parts of a reasoning item. */
export declare namespace ResponseReasoningItem {
  /** A summary of the thinking. pagellm's models write none. */
  interface Summary {
    text: string;
    type: "summary_text";
  }
  /** The model's thinking, as it wrote it between `<think>` and `</think>`. */
  interface Content {
    text: string;
    type: "reasoning_text";
  }
}

/** What a thinking model (Qwen3, the DeepSeek-R1 distills) thought before it answered (`rs_…`). */
export interface ResponseReasoningItem {
  id: string;
  summary: ResponseReasoningItem.Summary[];
  type: "reasoning";
  content?: ResponseReasoningItem.Content[];
  encrypted_content?: string | null;
  status?: "in_progress" | "completed" | "incomplete";
}

/** One item of `Response.output`. */
export type ResponseOutputItem = ResponseOutputMessage | ResponseFunctionToolCall | ResponseReasoningItem;

/** Token counts. `output_tokens` includes the thinking, which `reasoning_tokens` counts on its own. */
export interface ResponseUsage {
  input_tokens: number;
  input_tokens_details: {
    /** Prompt tokens the engine reused from its KV cache (the conversation so far, when it continues). */
    cached_tokens: number;
    /** Always 0: a local KV cache is not written ahead. */
    cache_write_tokens: number;
  };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

/** Why a response failed. */
export interface ResponseError {
  code: "server_error" | "invalid_prompt";
  message: string;
}

/** The status of a response. `cancelled` is a stored response whose caller aborted it. */
export type ResponseStatus = "completed" | "failed" | "in_progress" | "cancelled" | "queued" | "incomplete";

/** A model response (`resp_…`). */
export interface Response {
  id: string;
  object: "response";
  /** Unix seconds. */
  created_at: number;
  status: ResponseStatus;
  /** Unix seconds; set when `status` is `completed`. */
  completed_at: number | null;
  error: ResponseError | null;
  incomplete_details: { reason?: "max_output_tokens" | "content_filter" } | null;
  instructions: string | null;
  max_output_tokens: number | null;
  max_tool_calls: number | null;
  metadata: Record<string, string> | null;
  model: string;
  output: ResponseOutputItem[];
  /** The text of every `output_text` part, joined, as openai-node adds it. */
  output_text: string;
  parallel_tool_calls: boolean;
  previous_response_id: string | null;
  prompt_cache_key: string | null;
  reasoning: { effort: null; summary: null } | null;
  safety_identifier: string | null;
  service_tier: "default";
  store: boolean;
  background: boolean;
  temperature: number | null;
  text: ResponseTextConfig;
  tool_choice: ToolChoiceOptions | ToolChoiceFunction;
  tools: FunctionTool[];
  top_logprobs: number | null;
  top_p: number | null;
  truncation: "auto" | "disabled";
  /** Set once generation ends. */
  usage?: ResponseUsage;
  /** Present when the request named one. */
  user?: string;
}

/** A piece of text input as `inputItems.list` lists it. */
export type ListedText = Omit<ResponseInputText, "prompt_cache_breakpoint">;

/** An input message as `inputItems.list` lists it: text only, as pagellm takes it. */
export interface ResponseInputMessageItem {
  id: string;
  content: ListedText[];
  role: "user" | "system" | "developer";
  type: "message";
  status?: "in_progress" | "completed" | "incomplete";
}

/** A function call as `inputItems.list` lists it. */
export interface ResponseFunctionToolCallItem extends ResponseFunctionToolCall {
  id: string;
  status: "in_progress" | "completed" | "incomplete";
}

/** A function call's result as `inputItems.list` lists it. */
export interface ResponseFunctionToolCallOutputItem {
  id: string;
  call_id: string;
  output: string | ListedText[];
  status: "in_progress" | "completed" | "incomplete";
  type: "function_call_output";
}

/** One input item of a stored response, with its id. */
export type ResponseItem =
  | ResponseInputMessageItem
  | ResponseOutputMessage
  | ResponseFunctionToolCallItem
  | ResponseFunctionToolCallOutputItem
  | ResponseReasoningItem;

/** A page of a stored response's input items. */
export interface ResponseItemList {
  data: ResponseItem[];
  first_id: string;
  has_more: boolean;
  last_id: string;
  object: "list";
}

/** What `responses.delete` answers. */
export interface ResponseDeleted {
  id: string;
  object: "response";
  deleted: true;
}

/** Fields every stream event has. */
interface Sequenced {
  /** 0, 1, 2, … in the order the events were sent. */
  sequence_number: number;
}

/** Where in the output an event applies. */
interface AtItem extends Sequenced {
  item_id: string;
  output_index: number;
}

/** The first event: the response, `in_progress`. */
export interface ResponseCreatedEvent extends Sequenced { type: "response.created"; response: Response }
/** The second event. */
export interface ResponseInProgressEvent extends Sequenced { type: "response.in_progress"; response: Response }
/** The last event of a response that finished. */
export interface ResponseCompletedEvent extends Sequenced { type: "response.completed"; response: Response }
/** The last event of a response cut short by `max_output_tokens` (or the context window), or by the moderation hook. */
export interface ResponseIncompleteEvent extends Sequenced { type: "response.incomplete"; response: Response }
/** The last event of a response whose generation failed after it began; `response.error` says why. */
export interface ResponseFailedEvent extends Sequenced { type: "response.failed"; response: Response }
/** An output item begins. */
export interface ResponseOutputItemAddedEvent extends Sequenced { type: "response.output_item.added"; output_index: number; item: ResponseOutputItem }
/** An output item is complete. */
export interface ResponseOutputItemDoneEvent extends Sequenced { type: "response.output_item.done"; output_index: number; item: ResponseOutputItem }
/** A content part begins. */
export interface ResponseContentPartAddedEvent extends AtItem {
  type: "response.content_part.added";
  content_index: number;
  part: ResponseOutputText | ResponseReasoningItem.Content;
}
/** A content part is complete. */
export interface ResponseContentPartDoneEvent extends AtItem {
  type: "response.content_part.done";
  content_index: number;
  part: ResponseOutputText | ResponseReasoningItem.Content;
}
/** More answer text. */
export interface ResponseTextDeltaEvent extends AtItem { type: "response.output_text.delta"; content_index: number; delta: string; logprobs: never[] }
/** The whole answer text of a part. */
export interface ResponseTextDoneEvent extends AtItem { type: "response.output_text.done"; content_index: number; text: string; logprobs: never[] }
/** More thinking. */
export interface ResponseReasoningTextDeltaEvent extends AtItem { type: "response.reasoning_text.delta"; content_index: number; delta: string }
/** The whole thinking of a part. */
export interface ResponseReasoningTextDoneEvent extends AtItem { type: "response.reasoning_text.done"; content_index: number; text: string }
/** A function call's arguments, as one delta: the model's call is parsed whole. */
export interface ResponseFunctionCallArgumentsDeltaEvent extends AtItem { type: "response.function_call_arguments.delta"; delta: string }
/** A function call's arguments, complete. */
export interface ResponseFunctionCallArgumentsDoneEvent extends AtItem { type: "response.function_call_arguments.done"; name: string; arguments: string }
/** An error after the stream began that is not the model's (the SSE route sends it when the engine goes away). */
export interface ResponseErrorEvent extends Sequenced { type: "error"; code: string | null; message: string; param: string | null }

/** An event of a streamed response, in OpenAI's order. */
export type ResponseStreamEvent =
  | ResponseCreatedEvent
  | ResponseInProgressEvent
  | ResponseOutputItemAddedEvent
  | ResponseContentPartAddedEvent
  | ResponseTextDeltaEvent
  | ResponseTextDoneEvent
  | ResponseReasoningTextDeltaEvent
  | ResponseReasoningTextDoneEvent
  | ResponseFunctionCallArgumentsDeltaEvent
  | ResponseFunctionCallArgumentsDoneEvent
  | ResponseContentPartDoneEvent
  | ResponseOutputItemDoneEvent
  | ResponseCompletedEvent
  | ResponseIncompleteEvent
  | ResponseFailedEvent
  | ResponseErrorEvent;
