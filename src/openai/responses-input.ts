/**
 * The request side of OpenAI's Responses API, as pagellm takes it: `responses.create`'s params
 * and the input items. Names and shapes follow openai-node 6.x (`resources/responses`), narrowed
 * to what runs locally. A few of OpenAI's forms are typed so that ported code compiles, and are
 * refused at run time with a 400 naming the field; their TSDoc says so.
 */
import type { ResponseFormatJSONObject, ResponseFormatText } from "./chat.js";
import type { ResponseFunctionToolCall, ResponseOutputRefusal, ResponseReasoningItem } from "./responses.js";

/** A piece of text input. */
export interface ResponseInputText {
  text: string;
  type: "input_text";
  /** Accepted; local KV-cache reuse needs no breakpoints. */
  prompt_cache_breakpoint?: { mode: "explicit" } | null;
}

/** An image input. Refused at run time with a 400 naming the part (`input[i].content[j].type`): local models here take text only. */
export interface ResponseInputImage {
  detail?: "low" | "high" | "auto" | "original" | null;
  type: "input_image";
  file_id?: string | null;
  image_url?: string | null;
}

/** A file input. Refused at run time with a 400 naming the part (`input[i].content[j].type`). */
export interface ResponseInputFile {
  type: "input_file";
  detail?: "auto" | "low" | "high";
  file_data?: string | null;
  file_id?: string | null;
  file_url?: string | null;
  filename?: string | null;
}

/** One part of an input message's content. */
export type ResponseInputContent = ResponseInputText | ResponseInputImage | ResponseInputFile;

/** An input message's content as a list of parts. */
export type ResponseInputMessageContentList = ResponseInputContent[];

/** A message in its short form: any role, content as a string or a list of parts. */
export interface EasyInputMessage {
  content: string | ResponseInputMessageContentList;
  role: "user" | "assistant" | "system" | "developer";
  phase?: "commentary" | "final_answer" | null;
  type?: "message";
}

/** The input item forms that have no top-level name in openai-node. */
export declare namespace ResponseInputItem {
  /** A user, system or developer message with content parts. */
  interface Message {
    content: ResponseInputMessageContentList;
    role: "user" | "system" | "developer";
    status?: "in_progress" | "completed" | "incomplete";
    type?: "message";
  }
  /** Your code's result of a `function_call`, sent back to the model. */
  interface FunctionCallOutput {
    call_id: string;
    /** A string, or text parts (joined); image and file parts are refused with a 400. */
    output: string | (ResponseInputText | ResponseInputImage | ResponseInputFile)[];
    type: "function_call_output";
    id?: string | null;
    status?: "in_progress" | "completed" | "incomplete" | null;
  }
  /**
   * Earlier output sent back: an assistant message. Its text parts may carry annotations and
   * logprobs (from the hosted API, say); only the text goes back to the model.
   */
  interface OutputMessage {
    content: ({ type: "output_text"; text: string; annotations?: unknown[]; logprobs?: unknown[] } | ResponseOutputRefusal)[];
    role: "assistant";
    type?: "message";
    id?: string;
    status?: "in_progress" | "completed" | "incomplete";
    phase?: "commentary" | "final_answer" | null;
  }
  /** An item of a stored response (input or output), by id: read from this device's store. */
  interface ItemReference {
    id: string;
    type?: "item_reference" | null;
  }
}

/**
 * One item of `input`. Earlier output (`message`, `function_call`, `reasoning`) can be sent back
 * as it came. A `reasoning` item is accepted and left out of the prompt: Qwen3's and the R1
 * distills' templates drop earlier thinking too.
 */
export type ResponseInputItem =
  | EasyInputMessage
  | ResponseInputItem.Message
  | ResponseInputItem.OutputMessage
  | ResponseFunctionToolCall
  | ResponseInputItem.FunctionCallOutput
  | ResponseReasoningItem
  | ResponseInputItem.ItemReference;

/** A list of input items. */
export type ResponseInput = ResponseInputItem[];

/** A function the model may call. */
export interface FunctionTool {
  name: string;
  /** The arguments, as a JSON Schema object. */
  parameters: Record<string, unknown> | null;
  /** Passed on to the chat pipeline as the function's `strict`, exactly as chat completions treat it. */
  strict: boolean | null;
  type: "function";
  description?: string | null;
}

/** A built-in tool of the hosted API. Refused at run time with a 400 naming `tools[i].type`: only function tools run locally. */
export interface HostedTool {
  type:
    | "web_search"
    | "web_search_preview"
    | "file_search"
    | "code_interpreter"
    | "computer_use_preview"
    | "computer"
    | "mcp"
    | "image_generation"
    | "local_shell"
    | "shell"
    | "apply_patch"
    | "custom";
  [key: string]: unknown;
}

/** `none`, `auto` or `required`. */
export type ToolChoiceOptions = "none" | "auto" | "required";

/** Forces one named function. */
export interface ToolChoiceFunction {
  name: string;
  type: "function";
}

/** Structured output: the text follows `schema`. */
export interface ResponseFormatTextJSONSchemaConfig {
  name: string;
  schema: Record<string, unknown>;
  type: "json_schema";
  description?: string;
  strict?: boolean | null;
}

/** What `text.format` takes: plain text, JSON mode (the input must mention JSON, as OpenAI requires), or a JSON schema. */
export type ResponseFormatTextConfig = ResponseFormatText | ResponseFormatJSONObject | ResponseFormatTextJSONSchemaConfig;

/** The text output's configuration. */
export interface ResponseTextConfig {
  format?: ResponseFormatTextConfig;
  /** Only `medium` (the default) or null: a local model has no verbosity control. Others are refused with a 400. */
  verbosity?: "low" | "medium" | "high" | null;
}

/** Reasoning settings. Only empty values are accepted: a local model's thinking cannot be steered. Others are refused with a 400. */
export interface Reasoning {
  effort?: "none" | "minimal" | "low" | "medium" | "high" | "xhigh" | "max" | null;
  summary?: "auto" | "concise" | "detailed" | null;
  generate_summary?: "auto" | "concise" | "detailed" | null;
}

/** The params of `responses.create`. See docs/responses.md for what is honoured and what is refused. */
export interface ResponseCreateParamsBase {
  /** A model id from `models.list()`. Required: there is no default model. */
  model: string;
  /** A string (one user message) or a list of items. */
  input?: string | ResponseInput;
  /** A system message put first, for this response only (it is not carried over by `previous_response_id`). */
  instructions?: string | null;
  /** The most output tokens, thinking included; reaching it gives `status: "incomplete"`. */
  max_output_tokens?: number | null;
  /** Up to 16 string pairs, stored and echoed. */
  metadata?: Record<string, string> | null;
  parallel_tool_calls?: boolean | null;
  /** Continues a stored response: its conversation is read from this device's store. */
  previous_response_id?: string | null;
  /** Whether to keep the response in this device's store (IndexedDB). Default true, as in OpenAI's API. */
  store?: boolean | null;
  stream?: boolean | null;
  /** Only `include_obfuscation: false`. */
  stream_options?: { include_obfuscation?: boolean } | null;
  temperature?: number | null;
  text?: ResponseTextConfig;
  tool_choice?: ToolChoiceOptions | ToolChoiceFunction;
  tools?: (FunctionTool | HostedTool)[];
  top_p?: number | null;
  /** `auto` drops the oldest messages when the prompt does not fit the context window. */
  truncation?: "auto" | "disabled" | null;
  user?: string;
  safety_identifier?: string | null;
  prompt_cache_key?: string | null;
  /** Only `in_memory` (what a local KV cache is) or null. */
  prompt_cache_retention?: "in_memory" | "24h" | null;
  /** Only `auto` or `default`. */
  service_tier?: "auto" | "default" | "flex" | "scale" | "priority" | null;
  /** Accepted and echoed: there are no built-in tools to limit. */
  max_tool_calls?: number | null;
  /** Only false or null: there is no background mode. */
  background?: boolean | null;
  /** Only an empty list. */
  include?: string[] | null;
  /** Only empty values. */
  reasoning?: Reasoning | null;
}

/** `responses.create` params that ask for one `Response`. */
export interface ResponseCreateParamsNonStreaming extends ResponseCreateParamsBase {
  stream?: false | null;
}

/** `responses.create` params that ask for a stream of events. */
export interface ResponseCreateParamsStreaming extends ResponseCreateParamsBase {
  stream: true;
}

/** The params of `responses.create`. */
export type ResponseCreateParams = ResponseCreateParamsNonStreaming | ResponseCreateParamsStreaming;

/** The params of `responses.inputItems.list`. */
export interface InputItemListParams {
  /** An item id: list the items after it. */
  after?: string;
  /** 1 to 100, default 20. */
  limit?: number;
  /** Default `desc`, as in OpenAI's API: the last input item first. */
  order?: "asc" | "desc";
}
