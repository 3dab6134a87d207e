/**
 * OpenAI's chat completion types. Types only: nothing in this file exists at run time. Names and
 * shapes follow OpenAI's `openai` package (v6) so that code written against the hosted API
 * type-checks against pagellm unchanged (`test/types/openai-compat.ts` holds that promise). The
 * wire stays snake_case, as OpenAI's does.
 *
 * - **Requests** (`ChatCompletionCreateParams`) accept everything OpenAI's types accept, including
 *   fields and parts a local text model cannot honour: ported code must compile, and such a
 *   request then fails loudly (a 400 that names the field) instead of having the field dropped.
 *   Each such field or part says so in its TSDoc.
 * - **Messages and tools** under OpenAI's names (`ChatCompletionMessageParam`, `ChatCompletionTool`,
 *   `ChatCompletionToolChoiceOption`, `ChatCompletionMessageToolCall` and the user and assistant
 *   message types) name what runs locally, which is narrower than OpenAI's: they are also what a
 *   validated request holds inside pagellm. The forms only OpenAI can run are the `…Unsupported…`
 *   types, which `ChatCompletionCreateParams` accepts besides them.
 * - **Results** are typed as precisely as pagellm produces them, and stay assignable to OpenAI's.
 */
import type { ChatCompletionContentPartText, ChatCompletionMessageParam, ChatCompletionMessageParamUnsupported } from "./chat-messages.js";

export type * from "./chat-messages.js";

/** A function the model may call. */
export interface FunctionDefinition {
  name: string;
  description?: string;
  /** The arguments, as a JSON Schema object. */
  parameters?: Record<string, unknown>;
  strict?: boolean | null;
}

/** A function tool the model may call. */
export interface ChatCompletionFunctionTool {
  type: "function";
  function: FunctionDefinition;
}

/** A tool that takes free text (or text in a grammar). Refused at run time with a 400 naming the tool; pagellm calls function tools only. */
export interface ChatCompletionCustomTool {
  type: "custom";
  custom: {
    name: string;
    description?: string;
    format?: { type: "text" } | { type: "grammar"; grammar: { definition: string; syntax: "lark" | "regex" } };
  };
}

/**
 * A tool the model may call: a function tool, the only kind that runs locally. Narrower than
 * OpenAI's `ChatCompletionTool`, which also covers `ChatCompletionCustomTool` (`tools` accepts both).
 */
export type ChatCompletionTool = ChatCompletionFunctionTool;

/** Forces one named function. */
export interface ChatCompletionNamedToolChoice {
  type: "function";
  function: { name: string };
}

/** Forces one named custom tool. Refused at run time with a 400 naming `tool_choice`. */
export interface ChatCompletionNamedToolChoiceCustom {
  type: "custom";
  custom: { name: string };
}

/** The tools a request's model may use out of those in `tools`. */
export interface ChatCompletionAllowedTools {
  mode: "auto" | "required";
  tools: { [key: string]: unknown }[];
}

/** Limits the model to some of the tools. Refused at run time with a 400 naming `tool_choice`. */
export interface ChatCompletionAllowedToolChoice {
  type: "allowed_tools";
  allowed_tools: ChatCompletionAllowedTools;
}

/**
 * How the model may use the tools. Narrower than OpenAI's, which also covers
 * `ChatCompletionAllowedToolChoice` and `ChatCompletionNamedToolChoiceCustom` (`tool_choice`
 * accepts them, and refuses them at run time).
 */
export type ChatCompletionToolChoiceOption = "none" | "auto" | "required" | ChatCompletionNamedToolChoice;

/** A call of a function tool. */
export interface ChatCompletionMessageFunctionToolCall {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
}

/** A call of a custom tool, as an earlier assistant message may hold it. Refused at run time with a 400 naming the call. */
export interface ChatCompletionMessageCustomToolCall {
  id: string;
  type: "custom";
  custom: { name: string; input: string };
}

/**
 * A tool call: a function call, the only kind pagellm makes or replays. Narrower than OpenAI's,
 * which also covers `ChatCompletionMessageCustomToolCall`.
 */
export type ChatCompletionMessageToolCall = ChatCompletionMessageFunctionToolCall;

// Type aliases, not interfaces as in openai-node: the validator casts a plain record to
// `ResponseFormat`, and TypeScript treats interfaces as not overlapping index-signature types.

/** `response_format: { type: "text" }`, the default. */
export type ResponseFormatText = {
  type: "text";
};

/** `response_format: { type: "json_object" }`: any JSON object. */
export type ResponseFormatJSONObject = {
  type: "json_object";
};

/** `response_format: { type: "json_schema" }`: JSON that follows a schema. */
export type ResponseFormatJSONSchema = {
  type: "json_schema";
  json_schema: { name: string; description?: string; schema?: Record<string, unknown>; strict?: boolean | null };
};

/** `response_format`: plain text, any JSON object, or JSON that follows a schema. */
export type ResponseFormat = ResponseFormatText | ResponseFormatJSONObject | ResponseFormatJSONSchema;

/** `stream_options`. */
export interface ChatCompletionStreamOptions {
  include_usage?: boolean;
  /** OpenAI's padding against side channels on the network. Refused at run time with a 400 naming the field: nothing leaves the device. */
  include_obfuscation?: boolean;
}

/** `audio`: spoken output. Refused at run time with a 400 naming the field. */
export interface ChatCompletionAudioParam {
  format: "wav" | "aac" | "mp3" | "flac" | "opus" | "pcm16";
  voice: string | { id: string };
}

/** `prediction`: predicted output. Refused at run time with a 400 naming the field. */
export interface ChatCompletionPredictionContent {
  type: "content";
  content: string | ChatCompletionContentPartText[];
}

/** `function_call: { name }`, OpenAI's deprecated form of a named `tool_choice`. */
export interface ChatCompletionFunctionCallOption {
  name: string;
}

/** The fields of a request that streaming and non-streaming calls share. */
export interface ChatCompletionCreateParamsBase {
  model: string;
  /** Messages in any of OpenAI's forms; those only the hosted API runs are refused at run time with a 400 naming the part or field. */
  messages: (ChatCompletionMessageParam | ChatCompletionMessageParamUnsupported)[];
  temperature?: number | null;
  top_p?: number | null;
  max_tokens?: number | null;
  max_completion_tokens?: number | null;
  stream?: boolean | null;
  stream_options?: ChatCompletionStreamOptions | null;
  /** Custom tools are refused at run time with a 400 naming the tool (`tools[i].type`). */
  tools?: (ChatCompletionTool | ChatCompletionCustomTool)[];
  /** `allowed_tools` and a named custom tool are refused at run time with a 400 naming `tool_choice`. */
  tool_choice?: ChatCompletionToolChoiceOption | ChatCompletionAllowedToolChoice | ChatCompletionNamedToolChoiceCustom;
  parallel_tool_calls?: boolean;
  response_format?: ResponseFormat;
  seed?: number | null;
  stop?: string | string[] | null;
  presence_penalty?: number | null;
  frequency_penalty?: number | null;
  /** How many choices to generate. Typed as OpenAI types it; anything but 1 is refused at run time with a 400 naming `n`. */
  n?: number | null;
  logprobs?: boolean | null;
  top_logprobs?: number | null;
  logit_bias?: Record<string, number> | null;
  user?: string;
  // The fields below belong to the hosted service. Declared so that ported code compiles; the
  // worker refuses each with a 400 naming it (`Unrecognized request argument supplied`).
  /** Spoken output. Refused at run time with a 400 naming the field. */
  audio?: ChatCompletionAudioParam | null;
  /** Deprecated `tool_choice`. Refused at run time with a 400 naming the field. */
  function_call?: "none" | "auto" | ChatCompletionFunctionCallOption;
  /** Deprecated `tools`. Refused at run time with a 400 naming the field. */
  functions?: { name: string; description?: string; parameters?: Record<string, unknown> }[];
  /** Stored-completion tags. Refused at run time with a 400 naming the field. */
  metadata?: Record<string, string> | null;
  /** Output modalities. Refused at run time with a 400 naming the field. */
  modalities?: ("text" | "audio")[] | null;
  /** Server-side moderation. Refused at run time with a 400 naming the field; use `createEngine({ moderate })`. */
  moderation?: {
    model: string;
    policy?: { input?: { mode: "score" | "block" } | null; output?: { mode: "score" | "block" } | null } | null;
  } | null;
  /** Predicted output. Refused at run time with a 400 naming the field. */
  prediction?: ChatCompletionPredictionContent | null;
  /** Server prompt-cache key. Refused at run time with a 400 naming the field. */
  prompt_cache_key?: string | null;
  /** Server prompt-cache options. Refused at run time with a 400 naming the field. */
  prompt_cache_options?: { mode?: "implicit" | "explicit"; ttl?: "30m" };
  /** Server prompt-cache retention. Refused at run time with a 400 naming the field. */
  prompt_cache_retention?: "in_memory" | "24h" | null;
  /** Reasoning effort of OpenAI's reasoning models. Refused at run time with a 400 naming the field. */
  reasoning_effort?: "none" | "minimal" | "low" | "medium" | "high" | "xhigh" | "max" | null;
  /** Abuse-detection identifier. Refused at run time with a 400 naming the field. */
  safety_identifier?: string | null;
  /** Processing tier. Refused at run time with a 400 naming the field. */
  service_tier?: "auto" | "default" | "flex" | "scale" | "priority" | null;
  /** Stored completions. Refused at run time with a 400 naming the field. */
  store?: boolean | null;
  /** Verbosity of OpenAI's reasoning models. Refused at run time with a 400 naming the field. */
  verbosity?: "low" | "medium" | "high" | null;
  /** Web search. Refused at run time with a 400 naming the field: nothing leaves the device. */
  web_search_options?: {
    search_context_size?: "low" | "medium" | "high";
    user_location?: {
      type: "approximate";
      approximate: { city?: string; country?: string; region?: string; timezone?: string };
    } | null;
  };
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

/**
 * Why generation ended. A subset of OpenAI's: pagellm never reports the deprecated
 * `function_call`, and WebLLM's non-standard `abort` never appears here.
 */
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

/**
 * The assistant's reply. OpenAI's optional `annotations`, `audio` and `function_call` are never
 * produced, so they are not declared. `refusal` is null today: a local model refuses in plain text.
 */
export interface ChatCompletionMessage {
  role: "assistant";
  content: string | null;
  refusal: string | null;
  /** Function calls only: pagellm runs no custom tools, so no narrowing on `type` is needed. */
  tool_calls?: ChatCompletionMessageFunctionToolCall[];
}

/** A complete, non-streamed response. */
export interface ChatCompletion {
  id: string;
  object: "chat.completion";
  created: number;
  model: string;
  choices: ChatCompletion.Choice[];
  usage?: CompletionUsage;
  system_fingerprint?: string;
}

/** OpenAI's names for the parts of a `ChatCompletion`. */
export declare namespace ChatCompletion {
  /** One choice; pagellm always returns exactly one. */
  interface Choice {
    index: number;
    message: ChatCompletionMessage;
    finish_reason: FinishReason;
    logprobs: ChatCompletionLogprobs | null;
  }
}

/** A tool call as it arrives in a stream. */
export type ChatCompletionChunkToolCall = ChatCompletionChunk.Choice.Delta.ToolCall;

/** One streamed piece of a response. */
export interface ChatCompletionChunk {
  id: string;
  object: "chat.completion.chunk";
  created: number;
  model: string;
  choices: ChatCompletionChunk.Choice[];
  usage?: CompletionUsage | null;
  system_fingerprint?: string;
}

/** OpenAI's names for the parts of a `ChatCompletionChunk`. */
export declare namespace ChatCompletionChunk {
  /** One choice's piece. */
  interface Choice {
    index: number;
    delta: Choice.Delta;
    finish_reason: FinishReason | null;
    logprobs?: ChatCompletionLogprobs | null;
  }
  namespace Choice {
    /** What this chunk adds to the reply. */
    interface Delta {
      role?: "assistant";
      content?: string | null;
      refusal?: string | null;
      tool_calls?: Delta.ToolCall[];
    }
    namespace Delta {
      /** A piece of a tool call: `id`, `type` and the name come first, `arguments` in pieces. */
      interface ToolCall {
        index: number;
        id?: string;
        type?: "function";
        function?: { name?: string; arguments?: string };
      }
    }
  }
}
