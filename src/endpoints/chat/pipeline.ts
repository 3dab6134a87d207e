import type { ChatCompletionChunk, ChatCompletionMessageToolCall, CompletionUsage, FinishReason } from "../../openai/chat.js";
import type { Backend, GenerateEnd, GenerateEvent, GenerateRequest } from "../../backends/backend.js";
import { newId, unixSeconds } from "../../runtime/ids.js";
import { onAbort } from "../../util/abort.js";
import { TextGate } from "./text-gate.js";
import { parseToolCalls, renderTools, TOOL_CALL_OPEN } from "../../tools/hermes.js";
import type { ValidRequest } from "./validate.js";

/** What the pipeline needs besides the request. */
export interface PipelineContext {
  backend: Pick<Backend, "generate">;
  signal: AbortSignal;
  /**
   * Asks the page's moderation hook about new output text (only the text since the last
   * question; the page keeps the whole reply). `true` ends the reply with `finish_reason:
   * "content_filter"`, and text it flagged is never sent.
   */
  moderate?: ((delta: string) => Promise<boolean>) | undefined;
}

/**
 * How many content chunks may wait for the page's moderation verdict at once. The pipeline asks
 * about each delta as soon as the backend makes it and keeps generating; chunks leave, in order,
 * once approved. A round trip to the page per delta would otherwise stall every token, and
 * undo the batching of chunks into one message per worker task.
 */
const MODERATION_WINDOW = 64;

interface Held {
  chunk: ChatCompletionChunk;
  verdict: Promise<boolean>;
  settled: boolean;
}

type Choice = ChatCompletionChunk["choices"][number];

/**
 * Runs one request through a backend and yields OpenAI chunks: the role, content deltas, tool
 * calls, one chunk with `finish_reason`, and (with `include_usage`) a usage chunk. Everything a
 * model does not decide lives here, so every backend gets the same stop sequences, tool-call
 * parsing, moderation, ids and usage. A non-streamed completion is assembled from these very
 * chunks, which is why streamed and non-streamed replies can never disagree.
 */
export async function* runPipeline(req: ValidRequest, generate: GenerateRequest, ctx: PipelineContext): AsyncGenerator<ChatCompletionChunk> {
  const id = newId("chatcmpl-");
  const created = unixSeconds();
  const chunk = (choices: Choice[], usage?: CompletionUsage): ChatCompletionChunk => {
    const c: ChatCompletionChunk = { id, object: "chat.completion.chunk", created, model: req.model, choices };
    if (req.include_usage) c.usage = usage ?? null;
    return c;
  };
  const delta = (d: Choice["delta"], finish: FinishReason | null = null, logprobs: Choice["logprobs"] = null): ChatCompletionChunk =>
    chunk([{ index: 0, delta: d, finish_reason: finish, logprobs }]);

  const useTools = req.tools.length > 0 && req.tool_choice !== "none";

  // The backend gets its own signal so that a stop sequence or the moderation hook can end
  // generation early while the caller's signal stays untouched.
  const stopGen = new AbortController();
  const release = onAbort(ctx.signal, () => stopGen.abort());
  const events = ctx.backend.generate(generate, stopGen.signal)[Symbol.asyncIterator]();

  const stops = new TextGate(req.stop);
  const toolGate = useTools ? new TextGate([TOOL_CALL_OPEN]) : null;
  let toolText: string | null = null;
  let tokens = 0;
  const held: Held[] = [];
  // An object, not a `let`: the emit helpers set it, and TypeScript does not track closures.
  const state: { finish: FinishReason | null } = { finish: null };
  let end: GenerateEnd | null = null;

  try {
    // The backend's first event comes before the role chunk, so that an error before the first
    // token (the context window, a schema it cannot compile, a lost device) rejects create() as
    // a proper error instead of breaking a stream that has already begun.
    let first: IteratorResult<GenerateEvent> | null = await events.next();
    yield delta({ role: "assistant", content: "" });
    // Sends held chunks whose verdict is in (all of them with `all`, waiting as needed), in
    // order; a flagged one ends the reply and nothing after it is sent.
    const releaseHeld = async function* (all: boolean): AsyncGenerator<ChatCompletionChunk> {
      while (held.length > 0) {
        const head = held[0] as Held;
        if (!all && !head.settled && held.length < MODERATION_WINDOW) return;
        if (await head.verdict) {
          state.finish = "content_filter";
          held.length = 0;
          return;
        }
        held.shift();
        yield head.chunk;
      }
    };
    const emitContent = async function* (out: string, logprobs: Choice["logprobs"]): AsyncGenerator<ChatCompletionChunk> {
      if (out.length === 0 && !logprobs) return;
      const chunk = delta({ content: out }, null, logprobs);
      if (!ctx.moderate || (out.length === 0 && held.length === 0)) return yield chunk;
      const entry: Held = { chunk, verdict: out.length > 0 ? ctx.moderate(out) : Promise.resolve(false), settled: false };
      entry.verdict.then(
        () => (entry.settled = true),
        () => (entry.settled = true),
      );
      held.push(entry);
      yield* releaseHeld(false);
    };
    // Text before a tool call streams as content; from the opener on it is held for parsing.
    const emit = async function* (text: string, logprobs: Choice["logprobs"]): AsyncGenerator<ChatCompletionChunk> {
      if (toolText !== null) {
        toolText += text;
        return;
      }
      let out = text;
      if (toolGate) {
        const r = toolGate.push(text);
        out = r.emit;
        if (r.matched) toolText = r.rest;
      }
      yield* emitContent(out, logprobs);
    };

    for (;;) {
      const next = first ?? (await events.next());
      first = null;
      if (next.done) break;
      const ev = next.value;
      if (ev.type === "end") {
        end = ev;
        break;
      }
      tokens += ev.tokens;
      const r = stops.push(ev.text);
      const logprobs = ev.logprobs ? { content: ev.logprobs, refusal: null } : null;
      yield* emit(r.emit, logprobs);
      if (state.finish) break;
      if (r.matched) {
        state.finish = "stop";
        break;
      }
    }
    if (!state.finish) yield* emit(stops.flush(), null);
    if (state.finish !== "content_filter" && toolGate && toolText === null) yield* emitContent(toolGate.flush(), null);
    yield* releaseHeld(true);
    if (state.finish) {
      // Ended early by us: let the backend wind down and report its counts.
      stopGen.abort();
      for (;;) {
        const next = await events.next();
        if (next.done) break;
        if (next.value.type === "end") end = next.value;
      }
    }
    if (ctx.signal.aborted) return;

    let calls: ChatCompletionMessageToolCall[] | null = null;
    if (toolText !== null) {
      calls = parseToolCalls(toolText, () => newId("call_"));
      if (calls && !req.parallel_tool_calls) calls = calls.slice(0, 1);
      // Not a well-formed call: the caller gets the model's text as it was, not a guessed call.
      if (!calls && !state.finish) yield* emitContent(toolText, null);
      yield* releaseHeld(true);
    }
    if (calls) {
      yield delta({
        tool_calls: calls.map((c, index) => ({ index, id: c.id, type: "function", function: c.function })),
      });
    }
    const reason: FinishReason = state.finish ?? (calls ? "tool_calls" : (end?.finish_reason ?? "stop"));
    yield delta({}, reason);
    if (req.include_usage) {
      const prompt = end?.prompt_tokens ?? 0;
      yield chunk([], {
        prompt_tokens: prompt,
        completion_tokens: tokens,
        total_tokens: prompt + tokens,
        prompt_tokens_details: { cached_tokens: end?.cached_tokens ?? 0 },
      });
    }
  } finally {
    release();
    stopGen.abort();
    await events.return?.();
  }
}

/** What the backend is asked for: the validated request, with tools rendered into the prompt. */
export function toGenerateRequest(req: ValidRequest): GenerateRequest {
  return {
    model: req.model,
    messages: req.tools.length > 0 || req.messages.some((m) => m.role === "tool") ? renderTools(req.messages, req.tools, req.tool_choice) : req.messages,
    temperature: req.temperature,
    top_p: req.top_p,
    max_tokens: req.max_tokens,
    seed: req.seed,
    presence_penalty: req.presence_penalty,
    frequency_penalty: req.frequency_penalty,
    logit_bias: req.logit_bias,
    logprobs: req.logprobs,
    top_logprobs: req.top_logprobs,
    response_format: req.response_format,
  };
}
