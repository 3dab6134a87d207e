/**
 * Type-level compatibility of `engine.responses` with the official `openai` package (openai-node
 * 6.x, a dev dependency). `npm run typecheck` checks this file; nothing in it runs. It holds:
 *
 * - openai-node's types for what pagellm supports are accepted by `responses.create`: its input
 *   items (messages, earlier output, function calls and their outputs, reasoning, references),
 *   function tools, tool choices, text formats, and its params, held in variables of openai's types
 *   or written as literals;
 * - what pagellm returns (a `Response`, its events, an item list) can be handed to code that
 *   expects openai-node's types.
 *
 * The `@ts-expect-error` lines are the other half: each fails the typecheck if the types grew so
 * loose that they accepted what pagellm refuses or does not return, so the file can fail.
 */
import type OpenAI from "openai";
import type { ResponseItemList as OpenAIResponseItemList } from "openai/resources/responses/input-items";
import type { ResponseInputItem as R } from "openai/resources/responses/responses";
import type {
  Engine,
  FunctionTool,
  Response,
  ResponseCreateParamsBase,
  ResponseInputItem,
  ResponseItemList,
  ResponseOutputItem,
  ResponseStreamEvent,
  ResponseTextConfig,
  ResponseUsage,
  Stream,
} from "../../src/index.js";

/** Compiles only when `T` is `true`. */
type Expect<T extends true> = T;
/** `true` when every `A` is assignable to `B` (not distributed over unions: the whole of `A`). */
type Assignable<A, B> = [A] extends [B] ? true : false;

declare const engine: Engine;
const create = engine.responses.create.bind(engine.responses);
const model = "Qwen2.5-0.5B-Instruct-q4f16_1-MLC";

// What openai-node's types give for the parts pagellm supports, accepted as they are.
export type InputItems = [
  Expect<Assignable<OpenAI.Responses.EasyInputMessage, ResponseInputItem>>,
  Expect<Assignable<R.Message, ResponseInputItem>>,
  Expect<Assignable<OpenAI.Responses.ResponseOutputMessage, ResponseInputItem>>,
  Expect<Assignable<OpenAI.Responses.ResponseFunctionToolCall, ResponseInputItem>>,
  Expect<Assignable<R.FunctionCallOutput, ResponseInputItem>>,
  Expect<Assignable<OpenAI.Responses.ResponseReasoningItem, ResponseInputItem>>,
  Expect<Assignable<R.ItemReference, ResponseInputItem>>,
];

export type Params = [
  Expect<Assignable<OpenAI.Responses.FunctionTool, FunctionTool>>,
  Expect<Assignable<OpenAI.Responses.ResponseTextConfig, ResponseTextConfig>>,
  Expect<Assignable<OpenAI.Responses.ToolChoiceOptions | OpenAI.Responses.ToolChoiceFunction, NonNullable<ResponseCreateParamsBase["tool_choice"]>>>,
  Expect<Assignable<OpenAI.Metadata, NonNullable<ResponseCreateParamsBase["metadata"]>>>,
  Expect<Assignable<OpenAI.Reasoning, NonNullable<ResponseCreateParamsBase["reasoning"]>>>,
];

/** openai's params, narrowed to what pagellm honours (the input's items and the tools' kinds). */
type SupportedParams = Omit<
  OpenAI.Responses.ResponseCreateParamsNonStreaming,
  "model" | "input" | "tools" | "tool_choice" | "conversation" | "prompt" | "context_management" | "moderation" | "prompt_cache_options" | "top_logprobs"
> & {
  model: string;
  input?: string | (OpenAI.Responses.EasyInputMessage | OpenAI.Responses.ResponseFunctionToolCall | R.FunctionCallOutput | R.ItemReference)[];
  tools?: OpenAI.Responses.FunctionTool[];
  tool_choice?: OpenAI.Responses.ToolChoiceOptions | OpenAI.Responses.ToolChoiceFunction;
};

export async function fromOpenAITypes(params: SupportedParams): Promise<OpenAI.Responses.Response> {
  return create(params);
}

export async function streamedFromOpenAITypes(params: SupportedParams): Promise<void> {
  const stream: Stream<ResponseStreamEvent> = await create({ ...params, stream: true });
  for await (const event of stream) {
    const theirs: OpenAI.Responses.ResponseStreamEvent = event;
    void theirs;
  }
}

/** A request written for the hosted API, as a literal (where an unknown key is an error). */
export async function literal(): Promise<OpenAI.Responses.Response> {
  const first = await create({
    model,
    instructions: "Be brief.",
    input: [
      { role: "developer", content: "Answer in English." },
      { type: "message", role: "user", content: [{ type: "input_text", text: "Weather in Paris?" }] },
    ],
    tools: [{ type: "function", name: "get_weather", description: "Weather", parameters: { type: "object", properties: {} }, strict: true }],
    tool_choice: "auto",
    parallel_tool_calls: false,
    text: { format: { type: "json_schema", name: "out", schema: { type: "object" }, strict: true } },
    max_output_tokens: 200,
    temperature: 0.2,
    top_p: 0.9,
    metadata: { app: "demo" },
    store: true,
    truncation: "auto",
    user: "u1",
  });
  const call = first.output.find((o) => o.type === "function_call");
  return create({
    model,
    previous_response_id: first.id,
    input: [{ type: "function_call_output", call_id: call?.type === "function_call" ? call.call_id : "", output: "{}" }, { type: "item_reference", id: first.output[0]?.id ?? "" }],
  });
}

// What pagellm returns, handed to code typed with openai's types.
export type Results = [
  Expect<Assignable<Response, OpenAI.Responses.Response>>,
  Expect<Assignable<ResponseOutputItem, OpenAI.Responses.ResponseOutputItem>>,
  Expect<Assignable<ResponseUsage, OpenAI.Responses.ResponseUsage>>,
  Expect<Assignable<ResponseStreamEvent, OpenAI.Responses.ResponseStreamEvent>>,
  Expect<Assignable<ResponseItemList, OpenAIResponseItemList>>,
  // Earlier output goes back in as input, as openai-node's docs show it.
  Expect<Assignable<ResponseOutputItem, ResponseInputItem>>,
];

export function refused(): void {
  // @ts-expect-error Built-in tools are not typed as function tools (and are refused at run time).
  const web: FunctionTool = { type: "web_search" };
  // @ts-expect-error Hosted tool choices are not accepted.
  const choice: ResponseCreateParamsBase["tool_choice"] = { type: "file_search" };
  // @ts-expect-error There is no default model.
  const noModel: ResponseCreateParamsBase = { input: "hi" };
  // @ts-expect-error Conversations live on OpenAI's servers.
  const conversation: ResponseCreateParamsBase = { model, conversation: "conv_1" };
  void [web, choice, noModel, conversation];
}

export type NotLooser = [
  // A response never carries annotations: its text parts' annotation list is empty by type.
  // @ts-expect-error
  Expect<Assignable<OpenAI.Responses.ResponseOutputText, NonNullable<Extract<ResponseOutputItem, { type: "message" }>["content"][number]>>>,
  // @ts-expect-error openai's other input items (a web search call, say) are not accepted.
  Expect<Assignable<OpenAI.Responses.ResponseInputItem, ResponseInputItem>>,
];
