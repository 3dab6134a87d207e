import type {
  ChatCompletionMessageParam,
  ChatCompletionTool,
  ChatCompletionToolChoiceOption,
} from "../openai/chat.js";

/**
 * How one family writes a tool call in its raw output, as plain data, so that one grammar
 * builder (`grammar.ts`) can constrain every family, and one streaming parser can find calls.
 *
 * A call is `begin` + (one JSON object, or `[` objects joined by `separator` `]` when `list`) +
 * `end`. Each object holds the function's name under `nameKey` and its arguments, a JSON object,
 * under `argsKey`. Several calls in one reply repeat the whole block unless `list` holds them.
 */
export interface CallSyntax {
  /** Text that opens a call block, e.g. `<tool_call>\n`. Empty for formats that open with `{`. */
  begin: string;
  /** Text that closes a call block, e.g. `\n</tool_call>`. May be empty. */
  end: string;
  /** Whether one block holds a JSON array of calls (Mistral, Phi-4-mini) instead of one object. */
  list: boolean;
  /** The key of the function name, almost always `name`. */
  nameKey: string;
  /** The key of the arguments: `arguments` (Hermes, Mistral) or `parameters` (Llama 3.x). */
  argsKey: string;
  /** Between consecutive blocks when several calls are made and `list` is false, e.g. `\n`. */
  separator: string;
}

/** What `ToolFormat.render` is given: the conversation as the app sent it, and the tool request. */
export interface RenderInput {
  messages: ChatCompletionMessageParam[];
  tools: ChatCompletionTool[];
  toolChoice: ChatCompletionToolChoiceOption;
  parallelToolCalls: boolean;
}

/** A call found in raw output: the function's name and its arguments as a JSON string. */
export interface ParsedCall {
  name: string;
  arguments: string;
}

/**
 * One model family's tool-call format: how tools and tool traffic are written into the prompt,
 * and how the model's calls look in its output. Each format is one file in `tools/`; the family
 * table (`families.ts`) maps model ids to formats.
 */
export interface ToolFormat {
  /** The name `ModelInfo.tool_format` reports, e.g. `"hermes"`. */
  readonly name: string;
  /** The shape of a call in raw output. */
  readonly syntax: CallSyntax;
  /**
   * Every marker that may open a call in raw output (e.g. `<tool_call>`, `<|python_tag|>`).
   * Text before the first marker is content; from the marker on it is held back for parsing.
   */
  readonly openers: readonly string[];
  /**
   * Renders tools and the conversation's tool traffic (assistant `tool_calls`, `role: "tool"`
   * results) into messages that WebLLM's conversation template accepts, in the family's trained
   * format. Deterministic: the same input renders the same text, so turn 2's prompt extends turn
   * 1's and WebLLM reuses its KV cache.
   */
  render(input: RenderInput): ChatCompletionMessageParam[];
  /**
   * Parses raw output from its first opener on. Returns `null` when it is not well-formed calls,
   * so the text is returned as content instead of a guessed call.
   */
  parse(raw: string): ParsedCall[] | null;
}
