/**
 * OpenAI's chat messages and their content parts, for requests. Types only. See `chat.ts` for
 * which of these name what runs locally and which (`…Unsupported…`) only OpenAI can run.
 */
import type { ChatCompletionMessageCustomToolCall, ChatCompletionMessageFunctionToolCall, ChatCompletionMessageToolCall } from "./chat.js";

/** OpenAI's explicit prompt-cache marker on a content part. pagellm's KV-cache reuse is automatic. */
export interface PromptCacheBreakpoint {
  mode: "explicit";
}

/** A text part of a message's content, in OpenAI's array form. */
export interface ChatCompletionContentPartText {
  type: "text";
  text: string;
  /**
   * A hint for OpenAI's prompt cache. It has no effect here, and changes nothing in the output:
   * pagellm's KV cache reuses a shared prompt prefix on its own.
   */
  prompt_cache_breakpoint?: PromptCacheBreakpoint;
}

/** An image part. Refused at run time with a 400 naming the part: local models here take text only. */
export interface ChatCompletionContentPartImage {
  type: "image_url";
  image_url: { url: string; detail?: "auto" | "low" | "high" };
  prompt_cache_breakpoint?: PromptCacheBreakpoint;
}

/** An audio part. Refused at run time with a 400 naming the part: local models here take text only. */
export interface ChatCompletionContentPartInputAudio {
  type: "input_audio";
  input_audio: { data: string; format: "wav" | "mp3" };
  prompt_cache_breakpoint?: PromptCacheBreakpoint;
}

/** A refusal the assistant gave earlier, as a part of an assistant message's content. */
export interface ChatCompletionContentPartRefusal {
  type: "refusal";
  refusal: string;
}

/** Any part of a user message's content. Only text parts run locally; the rest are refused at run time with a 400 naming the part. */
export type ChatCompletionContentPart =
  | ChatCompletionContentPartText
  | ChatCompletionContentPartImage
  | ChatCompletionContentPartInputAudio
  | ChatCompletionContentPart.File;

/** OpenAI's names for the content parts that have no top-level name. */
export declare namespace ChatCompletionContentPart {
  /** A file part. Refused at run time with a 400 naming the part: local models here take text only. */
  interface File {
    type: "file";
    file: { file_data?: string; file_id?: string; filename?: string };
    prompt_cache_breakpoint?: PromptCacheBreakpoint;
  }
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

/**
 * A user message, with text content. Narrower than OpenAI's, which also takes image, audio and
 * file parts: those are `ChatCompletionUserMessageParamUnsupported`.
 */
export interface ChatCompletionUserMessageParam {
  role: "user";
  content: string | ChatCompletionContentPartText[];
  name?: string;
}

/**
 * A user message with any of OpenAI's content parts. `create` accepts it so that ported code
 * compiles; only its text parts can run, and any other part is refused at run time with a 400
 * naming the part (`messages[i].content[j].type`).
 */
export interface ChatCompletionUserMessageParamUnsupported {
  role: "user";
  content: string | ChatCompletionContentPart[];
  name?: string;
}

/**
 * An assistant message from earlier in the conversation, as pagellm can replay it: text content
 * and function tool calls. OpenAI's other forms are `ChatCompletionAssistantMessageParamUnsupported`.
 */
export interface ChatCompletionAssistantMessageParam {
  role: "assistant";
  /** Text, and refusal parts, which go back into the prompt as the text the model wrote. */
  content?: string | (ChatCompletionContentPartText | ChatCompletionContentPartRefusal)[] | null;
  name?: string;
  refusal?: string | null;
  tool_calls?: ChatCompletionMessageToolCall[];
}

/**
 * An assistant message in any of OpenAI's forms. `create` accepts it so that ported code compiles;
 * what pagellm cannot replay is refused at run time with a 400 naming the field.
 */
export interface ChatCompletionAssistantMessageParamUnsupported {
  role: "assistant";
  content?: string | (ChatCompletionContentPartText | ChatCompletionContentPartRefusal)[] | null;
  name?: string;
  refusal?: string | null;
  /** Custom tool calls are refused at run time with a 400 naming the call's `type`. */
  tool_calls?: (ChatCompletionMessageFunctionToolCall | ChatCompletionMessageCustomToolCall)[];
  /** A reference to an earlier audio reply. Refused at run time with a 400 naming the field: pagellm has no audio. */
  audio?: { id: string } | null;
  /** OpenAI's deprecated form of `tool_calls`. Refused at run time with a 400 naming the field; send `tool_calls`. */
  function_call?: { name: string; arguments: string } | null;
}

/** The result of a tool call, sent back to the model. */
export interface ChatCompletionToolMessageParam {
  role: "tool";
  content: string | ChatCompletionContentPartText[];
  tool_call_id: string;
}

/** OpenAI's deprecated result of a `function_call`. Refused at run time with a 400 naming the role; send a `tool` message. */
export interface ChatCompletionFunctionMessageParam {
  role: "function";
  content: string | null;
  name: string;
}

/** A message pagellm can run. Narrower than OpenAI's union; the rest is `ChatCompletionMessageParamUnsupported`. */
export type ChatCompletionMessageParam =
  | ChatCompletionDeveloperMessageParam
  | ChatCompletionSystemMessageParam
  | ChatCompletionUserMessageParam
  | ChatCompletionAssistantMessageParam
  | ChatCompletionToolMessageParam;

/**
 * The message forms of OpenAI's `ChatCompletionMessageParam` that only the hosted API runs. `create`
 * accepts them so that ported code compiles, and refuses them at run time with a 400 naming the
 * part or field.
 */
export type ChatCompletionMessageParamUnsupported =
  | ChatCompletionUserMessageParamUnsupported
  | ChatCompletionAssistantMessageParamUnsupported
  | ChatCompletionFunctionMessageParam;
