/**
 * Type-level compatibility with the official `openai` package (openai-node, a dev dependency).
 * `npm run typecheck` checks this file; nothing in it runs, and vitest does not collect it (it is
 * not a `*.test.ts`). It holds the README's promise that code written for the hosted API
 * type-checks against pagellm unchanged:
 *
 * - every request openai-node's types accept, `engine.chat.completions.create` accepts, whether
 *   the code holds it in a variable typed with openai's types or writes it as an object literal
 *   (which TypeScript checks harder: an unknown key is an error there);
 * - what `create` returns can be handed to code that expects openai-node's result types.
 *
 * The `@ts-expect-error` lines are the other half: each would fail the typecheck if the types
 * grew so loose that they accepted it, so the file can fail, not only pass.
 */
import type OpenAI from "openai";
import type { Stream as OpenAIStream } from "openai/core/streaming";
import type { ChatCompletionCreateParamsBase as OpenAICreateParamsBase } from "openai/resources/chat/completions/completions";
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionCreateParams,
  ChatCompletionMessageParam,
  ChatCompletionTool,
  ChatCompletionToolChoiceOption,
  Engine,
  ModelInfo,
  Stream,
} from "../../src/index.js";

/** Compiles only when `T` is `true`. */
type Expect<T extends true> = T;
/** `true` when every `A` is assignable to `B` (not distributed over unions: the whole of `A`). */
type Assignable<A, B> = [A] extends [B] ? true : false;

// Declared, never built: this file is only type-checked, so nothing here may need an engine.
declare const create: Engine["chat"]["completions"]["create"];
const model = "Qwen2.5-0.5B-Instruct-q4f16_1-MLC";

/** One message of a pagellm request, as `create` declares it. */
type Message = ChatCompletionCreateParams["messages"][number];

// ── Messages: every member of openai's union, and the union itself ─────────────────────────────

export type MessageMembers = [
  Expect<Assignable<OpenAI.ChatCompletionDeveloperMessageParam, Message>>,
  Expect<Assignable<OpenAI.ChatCompletionSystemMessageParam, Message>>,
  Expect<Assignable<OpenAI.ChatCompletionUserMessageParam, Message>>,
  Expect<Assignable<OpenAI.ChatCompletionAssistantMessageParam, Message>>,
  Expect<Assignable<OpenAI.ChatCompletionToolMessageParam, Message>>,
  Expect<Assignable<OpenAI.ChatCompletionFunctionMessageParam, Message>>,
  Expect<Assignable<OpenAI.ChatCompletionMessageParam, Message>>,
  Expect<Assignable<OpenAI.ChatCompletionContentPart[], Extract<Message, { role: "user" }>["content"]>>,
];

export async function messagesFromOpenAITypes(messages: OpenAI.ChatCompletionMessageParam[]): Promise<OpenAI.ChatCompletion> {
  return create({ model, messages });
}

/** A conversation written for the hosted API, with every kind of part and field a message can have. */
export async function messageLiterals(): Promise<void> {
  await create({
    model,
    messages: [
      { role: "developer", content: [{ type: "text", text: "Be brief.", prompt_cache_breakpoint: { mode: "explicit" } }], name: "dev" },
      { role: "system", content: "You are helpful." },
      {
        role: "user",
        name: "ada",
        content: [
          { type: "text", text: "What is in these?" },
          { type: "image_url", image_url: { url: "data:image/png;base64,AAAA", detail: "low" } },
          { type: "input_audio", input_audio: { data: "AAAA", format: "wav" } },
          { type: "file", file: { file_id: "file-1", filename: "a.pdf" } },
          { type: "file", file: { file_data: "data:application/pdf;base64,AAAA" }, prompt_cache_breakpoint: { mode: "explicit" } },
        ],
      },
      { role: "assistant", content: [{ type: "text", text: "Partly: " }, { type: "refusal", refusal: "I can't see images." }] },
      { role: "assistant", content: null, refusal: "No.", audio: { id: "audio_1" } },
      { role: "assistant", content: null, function_call: { name: "get_weather", arguments: "{}" } },
      {
        role: "assistant",
        content: null,
        tool_calls: [
          { id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } },
          { id: "call_2", type: "custom", custom: { name: "sql", input: "SELECT 1" } },
        ],
      },
      { role: "tool", tool_call_id: "call_1", content: [{ type: "text", text: "18C" }] },
      { role: "function", name: "get_weather", content: null },
    ],
  });
}

// ── Whole requests: openai's params types, as variables ────────────────────────────────────────

export async function paramsFromOpenAITypes(
  nonStreaming: OpenAI.ChatCompletionCreateParamsNonStreaming,
  streaming: OpenAI.ChatCompletionCreateParamsStreaming,
  either: OpenAI.ChatCompletionCreateParams,
  base: OpenAICreateParamsBase,
): Promise<void> {
  const completion: OpenAI.ChatCompletion = await create(nonStreaming);
  const stream = await create(streaming);
  for await (const chunk of stream) chunk satisfies OpenAI.ChatCompletionChunk;
  const one: OpenAI.ChatCompletion | AsyncIterable<OpenAI.ChatCompletionChunk> = await create(either);
  const other: OpenAI.ChatCompletion | AsyncIterable<OpenAI.ChatCompletionChunk> = await create(base);
  void [completion, one, other];
}

export type ParamParts = [
  Expect<Assignable<OpenAI.ChatCompletionTool[], NonNullable<ChatCompletionCreateParams["tools"]>>>,
  Expect<Assignable<OpenAI.ChatCompletionToolChoiceOption, NonNullable<ChatCompletionCreateParams["tool_choice"]>>>,
  Expect<Assignable<OpenAI.ChatCompletionCreateParams["response_format"], ChatCompletionCreateParams["response_format"]>>,
  Expect<Assignable<OpenAI.ChatCompletionStreamOptions, NonNullable<ChatCompletionCreateParams["stream_options"]>>>,
  Expect<Assignable<OpenAI.ChatCompletionAudioParam, NonNullable<ChatCompletionCreateParams["audio"]>>>,
  Expect<Assignable<OpenAI.ChatCompletionPredictionContent, NonNullable<ChatCompletionCreateParams["prediction"]>>>,
];

// ── Whole requests: object literals written for the hosted API ─────────────────────────────────

const weather: OpenAI.ChatCompletionFunctionTool = {
  type: "function",
  function: { name: "get_weather", description: "Weather in a city", parameters: { type: "object", properties: { city: { type: "string" } } }, strict: true },
};

/** Every top-level field openai-node declares, in one literal (most are refused at run time). */
export async function everyField(): Promise<ChatCompletion> {
  return create({
    model: "gpt-4o",
    messages: [{ role: "user", content: "hi" }],
    audio: { format: "wav", voice: "alloy" },
    frequency_penalty: 0,
    function_call: "auto",
    functions: [{ name: "f", description: "d", parameters: {} }],
    logit_bias: { "50256": -100 },
    logprobs: true,
    max_completion_tokens: 10,
    max_tokens: 10,
    metadata: { k: "v" },
    modalities: ["text"],
    moderation: { model: "omni-moderation-latest", policy: { input: { mode: "block" }, output: null } },
    n: 1,
    parallel_tool_calls: false,
    prediction: { type: "content", content: "hello" },
    presence_penalty: 0,
    prompt_cache_key: "k",
    prompt_cache_options: { mode: "explicit", ttl: "30m" },
    prompt_cache_retention: "24h",
    reasoning_effort: "low",
    response_format: { type: "json_schema", json_schema: { name: "out", description: "d", schema: { type: "object" }, strict: true } },
    safety_identifier: "u1",
    seed: 1,
    service_tier: "auto",
    stop: ["\n"],
    store: false,
    stream: false,
    temperature: 0.5,
    tool_choice: { type: "allowed_tools", allowed_tools: { mode: "auto", tools: [{ type: "function", function: { name: "get_weather" } }] } },
    tools: [weather, { type: "custom", custom: { name: "sql", format: { type: "grammar", grammar: { definition: "start: /.+/", syntax: "lark" } } } }],
    top_logprobs: 2,
    top_p: 1,
    user: "u1",
    verbosity: "low",
    web_search_options: { search_context_size: "low", user_location: { type: "approximate", approximate: { city: "Paris" } } },
  });
}

/** The request shapes apps really send, as literals. */
export async function everydayLiterals(): Promise<void> {
  const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: "user", content: "Weather in Paris? Answer in JSON." }];
  await create({ model, messages: [...messages], tools: [weather], tool_choice: "required" });
  await create({ model, messages: [...messages], tools: [weather], tool_choice: { type: "function", function: { name: "get_weather" } } });
  await create({ model, messages: [...messages], tools: [weather], tool_choice: { type: "custom", custom: { name: "sql" } } });
  await create({ model, messages: [...messages], response_format: { type: "text" } });
  await create({ model, messages: [...messages], response_format: { type: "json_object" } });
  await create({ model, messages: [...messages], stop: "\n", n: 1, seed: null, temperature: null });
  const stream = await create({ model, messages: [...messages], stream: true, stream_options: { include_usage: true, include_obfuscation: false } });
  for await (const chunk of stream) void chunk.choices[0]?.delta.content;
}

// ── Results: pagellm's types where openai-node's are expected ──────────────────────────────────

export type Results = [
  Expect<Assignable<ChatCompletion, OpenAI.ChatCompletion>>,
  Expect<Assignable<ChatCompletionChunk, OpenAI.ChatCompletionChunk>>,
  Expect<Assignable<ChatCompletion["choices"][number]["message"], OpenAI.ChatCompletionMessage>>,
  Expect<Assignable<NonNullable<ChatCompletion["usage"]>, OpenAI.CompletionUsage>>,
  // Precise, not only compatible: pagellm makes function calls only, so no narrowing is needed.
  Expect<Assignable<NonNullable<ChatCompletion["choices"][number]["message"]["tool_calls"]>[number], OpenAI.ChatCompletionMessageFunctionToolCall>>,
  // OpenAI's nested names exist too.
  Expect<Assignable<ChatCompletion.Choice, OpenAI.ChatCompletion.Choice>>,
  Expect<Assignable<ChatCompletionChunk.Choice.Delta, OpenAI.ChatCompletionChunk.Choice.Delta>>,
  Expect<Assignable<ChatCompletionChunk.Choice.Delta.ToolCall, OpenAI.ChatCompletionChunk.Choice.Delta.ToolCall>>,
  Expect<Assignable<ModelInfo, OpenAI.Model>>,
];

// ── pagellm's own request types, handed to openai-node ─────────────────────────────────────────
//
// A request built with pagellm's types can go through the official client too (for example
// over `engine.fetch`), so pagellm's narrower message and tool types sit inside openai's.

export type OwnRequestsInOpenAIs = [
  Expect<Assignable<ChatCompletionCreateParams, OpenAI.ChatCompletionCreateParams>>,
  Expect<Assignable<ChatCompletionMessageParam, OpenAI.ChatCompletionMessageParam>>,
  Expect<Assignable<ChatCompletionTool, OpenAI.ChatCompletionTool>>,
  Expect<Assignable<ChatCompletionToolChoiceOption, OpenAI.ChatCompletionToolChoiceOption>>,
];

// pagellm's own names for messages and tools say what runs locally, which is less than openai's
// (the README's "Differences from OpenAI"). These pin that down, so that widening them later
// is a decision that updates the README, not an accident.
export type NarrowerOwnNames = [
  // @ts-expect-error image, audio and file parts, refusal parts, `function` messages
  Expect<Assignable<OpenAI.ChatCompletionMessageParam, ChatCompletionMessageParam>>,
  // @ts-expect-error custom tools
  Expect<Assignable<OpenAI.ChatCompletionTool, ChatCompletionTool>>,
  // @ts-expect-error allowed_tools, named custom tool
  Expect<Assignable<OpenAI.ChatCompletionToolChoiceOption, ChatCompletionToolChoiceOption>>,
];

/** A conversation's history, kept the way chat apps keep it: each reply pushed back as a message. */
export async function history(openaiReply: OpenAI.ChatCompletion, ownHistory: ChatCompletionMessageParam[]): Promise<void> {
  const reply = await create({ model, messages: ownHistory });
  const first = reply.choices[0];
  if (first) ownHistory.push(first.message);
  const theirs: OpenAI.ChatCompletionMessageParam[] = [];
  if (first) theirs.push(first.message);
  const fromHosted = openaiReply.choices[0];
  if (fromHosted) await create({ model, messages: [...theirs, fromHosted.message] });
}

export function resultsWhereOpenAIsAreExpected(completion: ChatCompletion, chunk: ChatCompletionChunk): void {
  const takesCompletion = (c: OpenAI.ChatCompletion): string | null | undefined => c.choices[0]?.message.content;
  const takesChunk = (c: OpenAI.ChatCompletionChunk): string | null | undefined => c.choices[0]?.delta.content;
  takesCompletion(completion);
  takesChunk(chunk);
  void completion.choices[0]?.message.tool_calls?.[0]?.function.arguments;
}

// ── Stream ─────────────────────────────────────────────────────────────────────────────────────
//
// openai's `Stream` is a class with a `#private` field and a `private iterator`. TypeScript
// compares a class that has private or #private members nominally: only an instance of that
// very declaration (or a subclass of it) is assignable to it, however alike the public members
// are. pagellm's page side must not import `openai` at run time, so it cannot subclass it, and
// no pagellm type can be assignable to `OpenAIStream<…>`. What code can rely on is openai
// Stream's public surface, which pagellm's Stream has in full.

/** openai's `Stream`, public members only, with `tee()` typed by the same surface. */
interface StreamSurface<T> extends AsyncIterable<T> {
  controller: AbortController;
  tee(): [StreamSurface<T>, StreamSurface<T>];
  toReadableStream(): ReadableStream;
}

export type Streams = [
  // The surface really is openai's (so this checks the right thing)…
  Expect<Assignable<OpenAIStream<OpenAI.ChatCompletionChunk>, StreamSurface<OpenAI.ChatCompletionChunk>>>,
  // …and pagellm's Stream has it, for openai's chunk type.
  Expect<Assignable<Stream<ChatCompletionChunk>, StreamSurface<OpenAI.ChatCompletionChunk>>>,
  Expect<Assignable<Stream<ChatCompletionChunk>, AsyncIterable<OpenAI.ChatCompletionChunk> & { controller: AbortController }>>,
  // No public member of openai's Stream is missing from pagellm's (fails if openai adds one).
  Expect<Assignable<Exclude<keyof OpenAIStream<unknown>, keyof Stream<unknown>>, never>>,
];

export async function streamWhereOpenAIsIsExpected(stream: Stream<ChatCompletionChunk>): Promise<void> {
  const consume = async (s: AsyncIterable<OpenAI.ChatCompletionChunk> & { controller: AbortController }) => {
    for await (const chunk of s) if (chunk.choices[0]?.finish_reason) s.controller.abort();
  };
  await consume(stream);
  // @ts-expect-error openai's Stream is nominal (#private, private iterator): see above.
  const nominal: OpenAIStream<OpenAI.ChatCompletionChunk> = stream;
  void nominal;
}

// ── What must still be refused ─────────────────────────────────────────────────────────────────

export async function refused(): Promise<void> {
  // @ts-expect-error content is a string or parts, never a number.
  await create({ model, messages: [{ role: "user", content: 42 }] });
  // @ts-expect-error a misspelled field is refused in a literal, as with openai-node.
  await create({ model, messages: [{ role: "user", content: "hi" }], temprature: 0.5 });
  // @ts-expect-error no such role.
  await create({ model, messages: [{ role: "narrator", content: "hi" }] });
  // @ts-expect-error no such content part.
  await create({ model, messages: [{ role: "user", content: [{ type: "video_url", video_url: { url: "x" } }] }] });
  // @ts-expect-error refusal parts belong to assistant messages only, as in openai-node.
  await create({ model, messages: [{ role: "user", content: [{ type: "refusal", refusal: "no" }] }] });
  // @ts-expect-error `model` is required.
  await create({ messages: [{ role: "user", content: "hi" }] });
  // @ts-expect-error `stream: true` resolves to a Stream, not a ChatCompletion.
  const completion: ChatCompletion = await create({ model, messages: [{ role: "user", content: "hi" }], stream: true });
  void completion;
}

export type RefusedTypes = [
  // pagellm never reports OpenAI's deprecated `function_call` finish reason.
  // @ts-expect-error
  Expect<Assignable<"function_call", ChatCompletion["choices"][number]["finish_reason"]>>,
  // openai's result types are not pagellm's: they may carry audio, annotations, function_call.
  // @ts-expect-error
  Expect<Assignable<OpenAI.ChatCompletion, ChatCompletion>>,
];
