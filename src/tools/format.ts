import type {
  ChatCompletionMessageParam,
  ChatCompletionTool,
  ChatCompletionToolChoiceOption,
} from "../openai/chat.js";

/**
 * How one family writes a tool call in its raw output, as plain data, so that one grammar
 * builder (`grammar.ts`) can constrain every family, and one streaming scanner (`call-stream.ts`)
 * can find calls.
 *
 * With `body: "json"` (the default) a call is `begin` + (one JSON object, or a list of them when
 * `list`, punctuated by `listPunctuation`) + `end`. Each object holds the function's name under
 * `nameKey` and its arguments, a JSON object, under `argsKey`. Several calls in one reply repeat
 * the whole block, joined by `separator`, unless `list` holds them. Inside the JSON, keys and
 * values are separated as Python's `json.dumps` does (`", "`, `": "`): that is how the templates
 * write calls into the history, so a grammar that emits the same text keeps the KV cache valid
 * (each format's `callText` is the exact text).
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
  /**
   * What sits between `begin` and `end`; absent means `"json"`.
   * - `"name-json"`: the bare function name, then `argsMarker`, then the arguments as one JSON
   *   object (Ministral 3: `[TOOL_CALLS]get_weather[ARGS]{"city": "Paris"}`).
   * - `"xml"`: `begin` ends with `<function=`; then the name, `>\n`, one
   *   `<parameter=KEY>\nVALUE\n</parameter>\n` per argument, and `end` (Qwen3.5).
   */
  body?: "json" | "name-json" | "xml";
  /** Between the name and the arguments when `body` is `"name-json"`, e.g. `[ARGS]`. */
  argsMarker?: string;
  /** Whether the trained text writes `argsKey` before `nameKey` (Hermes 2 Pro); default false. */
  argsFirst?: boolean;
  /** How a `list` is written; absent means `{ open: "[", separator: ", ", close: "]" }`. */
  listPunctuation?: { open: string; separator: string; close: string };
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
  /** The name `ModelInfo.tool_format` reports, e.g. `"hermes-3"` or `"generic-json"`. */
  readonly name: string;
  /** False only for the generic protocol: the family was not trained on this format. */
  readonly native: boolean;
  /** Whether one reply may hold several calls. Llama 3.x's template allows exactly one. */
  readonly parallel: boolean;
  /** The shape of a call in raw output. */
  readonly syntax: CallSyntax;
  /**
   * Every marker that may open a call in raw output (e.g. `<tool_call>`, `<|python_tag|>`).
   * Text before the first marker is content; from the marker on it is held back for parsing.
   */
  readonly openers: readonly string[];
  /**
   * The openers, among `openers`, that count only at the very start of the output (after
   * whitespace): a bare `{` or `[`, which anywhere else is ordinary text. A special-token opener
   * may also be decoded to nothing, so the bracket after it is the only sign of a call.
   */
  readonly leadingOpeners: readonly string[];
  /**
   * Renders tools and the conversation's tool traffic (assistant `tool_calls`, `role: "tool"`
   * results) into messages that WebLLM's conversation template accepts, in the family's trained
   * format. Deterministic: the same input renders the same text, so turn 2's prompt extends turn
   * 1's and WebLLM reuses its KV cache.
   *
   * A rendered user message may carry `name`: WebLLM writes a message's `name` verbatim in place
   * of its role header, which is how a tool result gets the family's own header (Llama's
   * `<|start_header_id|>ipython`) whatever roles the model's conversation template declares.
   */
  render(input: RenderInput): ChatCompletionMessageParam[];
  /**
   * Parses raw output from its first opener on. Returns `null` when it is not well-formed calls,
   * so the text is returned as content instead of a guessed call. Text after the calls is not
   * part of them and is ignored here (`call-stream.ts` returns it as content). `tools` types the
   * arguments of formats whose wire form is untyped text (Qwen3.5's XML parameters).
   */
  parse(raw: string, tools?: readonly ChatCompletionTool[]): ParsedCall[] | null;
  /**
   * The text the model writes for these calls, exactly as `render` writes them back into the
   * history: the grammar should emit this form, so that WebLLM's stored reply and the next turn's
   * rendered history are the same text and the KV cache is reused. Fake backends use it to script
   * calls in the family's own format.
   */
  callText(calls: readonly ParsedCall[]): string;
}
