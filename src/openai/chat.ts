/**
 * OpenAI's chat completion types. Types only: nothing in this file exists at run time. Names and
 * shapes copy OpenAI's `openai` package (v6) so that code written against the hosted API
 * type-checks against pagellm unchanged. The wire stays snake_case, as OpenAI's does.
 */

/** A text part of a message's content, in OpenAI's array form. */
export interface ChatCompletionContentPartText {
  type: "text";
  text: string;
}

/** A system message. */
export interface ChatCompletionSystemMessageParam {
  role: "system";
  content: string | ChatCompletionContentPartText[];
  name?: string;
}

/** A developer message; treated like a system message, as OpenAI does for non-reasoning models. */
export interface ChatCompletionDeveloperMessageParam {
  role: "developer";
  content: string | ChatCompletionContentPartText[];
  name?: string;
}

/** A user message. Only text parts can run locally. */
export interface ChatCompletionUserMessageParam {
  role: "user";
  content: string | ChatCompletionContentPartText[];
  name?: string;
}

/** An assistant message from earlier in the conversation. */
export interface ChatCompletionAssistantMessageParam {
  role: "assistant";
  content?: string | ChatCompletionContentPartText[] | null;
  name?: string;
  refusal?: string | null;
  tool_calls?: ChatCompletionMessageToolCall[];
}

/** The result of a tool call, sent back to the model. */
export interface ChatCompletionToolMessageParam {
  role: "tool";
  content: string | ChatCompletionContentPartText[];
  tool_call_id: string;
}

/** Any message of a request. */
export type ChatCompletionMessageParam =
  | ChatCompletionSystemMessageParam
  | ChatCompletionDeveloperMessageParam
  | ChatCompletionUserMessageParam
  | ChatCompletionAssistantMessageParam
  | ChatCompletionToolMessageParam;

/** A function the model may call. */
export interface FunctionDefinition {
  name: string;
  description?: string;
  parameters?: Record<string, unknown>;
  strict?: boolean | null;
}

/** A tool the model may call. Only function tools exist in chat completions. */
export interface ChatCompletionTool {
  type: "function";
  function: FunctionDefinition;
}

/** Forces one named function. */
export interface ChatCompletionNamedToolChoice {
  type: "function";
  function: { name: string };
}

/** How the model may use the tools. */
export type ChatCompletionToolChoiceOption = "none" | "auto" | "required" | ChatCompletionNamedToolChoice;

/** A tool call the model made. */
export interface ChatCompletionMessageToolCall {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
}

/** `response_format`: plain text, any JSON object, or JSON that follows a schema. */
export type ResponseFormat =
  | { type: "text" }
  | { type: "json_object" }
  | {
      type: "json_schema";
      json_schema: { name: string; description?: string; schema?: Record<string, unknown>; strict?: boolean | null };
    };

/** `stream_options`. */
export interface ChatCompletionStreamOptions {
  include_usage?: boolean;
}

/** The fields of a request that streaming and non-streaming calls share. */
export interface ChatCompletionCreateParamsBase {
  model: string;
  messages: ChatCompletionMessageParam[];
  temperature?: number | null;
  top_p?: number | null;
  max_tokens?: number | null;
  max_completion_tokens?: number | null;
  stream?: boolean | null;
  stream_options?: ChatCompletionStreamOptions | null;
  tools?: ChatCompletionTool[];
  tool_choice?: ChatCompletionToolChoiceOption;
  parallel_tool_calls?: boolean;
  response_format?: ResponseFormat;
  seed?: number | null;
  stop?: string | string[] | null;
  presence_penalty?: number | null;
  frequency_penalty?: number | null;
  n?: number | null;
  logprobs?: boolean | null;
  top_logprobs?: number | null;
  logit_bias?: Record<string, number> | null;
  user?: string;
}

/** A request that returns one `ChatCompletion`. */
export interface ChatCompletionCreateParamsNonStreaming extends ChatCompletionCreateParamsBase {
  stream?: false | null;
}

/** A request that returns a `Stream<ChatCompletionChunk>`. */
export interface ChatCompletionCreateParamsStreaming extends ChatCompletionCreateParamsBase {
  stream: true;
}

/** Either kind of request. */
export type ChatCompletionCreateParams = ChatCompletionCreateParamsNonStreaming | ChatCompletionCreateParamsStreaming;

/** Why generation ended. WebLLM's non-standard `abort` never appears here. */
export type FinishReason = "stop" | "length" | "tool_calls" | "content_filter";

/** Token counts of one request, with OpenAI's meaning: `prompt_tokens` is the whole prompt. */
export interface CompletionUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  /** `cached_tokens`: prompt tokens the engine reused from its KV cache instead of recomputing. */
  prompt_tokens_details?: { cached_tokens: number };
}

/** Log probability of one token. */
export interface ChatCompletionTokenLogprob {
  token: string;
  logprob: number;
  bytes: number[] | null;
  top_logprobs: { token: string; logprob: number; bytes: number[] | null }[];
}

/** Log probabilities of a choice. */
export interface ChatCompletionLogprobs {
  content: ChatCompletionTokenLogprob[] | null;
  refusal: ChatCompletionTokenLogprob[] | null;
}

/** The assistant's reply. */
export interface ChatCompletionMessage {
  role: "assistant";
  content: string | null;
  refusal: string | null;
  tool_calls?: ChatCompletionMessageToolCall[];
}

/** A complete, non-streamed response. */
export interface ChatCompletion {
  id: string;
  object: "chat.completion";
  created: number;
  model: string;
  choices: {
    index: number;
    message: ChatCompletionMessage;
    finish_reason: FinishReason;
    logprobs: ChatCompletionLogprobs | null;
  }[];
  usage?: CompletionUsage;
  system_fingerprint?: string;
}

/** A tool call as it arrives in a stream. */
export interface ChatCompletionChunkToolCall {
  index: number;
  id?: string;
  type?: "function";
  function?: { name?: string; arguments?: string };
}

/** One streamed piece of a response. */
export interface ChatCompletionChunk {
  id: string;
  object: "chat.completion.chunk";
  created: number;
  model: string;
  choices: {
    index: number;
    delta: {
      role?: "assistant";
      content?: string | null;
      refusal?: string | null;
      tool_calls?: ChatCompletionChunkToolCall[];
    };
    finish_reason: FinishReason | null;
    logprobs?: ChatCompletionLogprobs | null;
  }[];
  usage?: CompletionUsage | null;
  system_fingerprint?: string;
}
