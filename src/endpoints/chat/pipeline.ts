import type { ChatCompletionChunk, CompletionUsage, FinishReason } from "../../openai/chat.js";
import type { Backend, GenerateEnd, GenerateEvent, GenerateRequest } from "../../backends/backend.js";
import { newId, unixSeconds } from "../../runtime/ids.js";
import { CallStream, type CallEvent } from "../../tools/call-stream.js";
import { onAbort } from "../../util/abort.js";
import { formatFor } from "./conversation.js";
import { ModerationGate } from "./moderation-gate.js";
import { TextGate } from "./text-gate.js";
import type { ValidRequest } from "./validate.js";

export { toGenerateRequest } from "./conversation.js";

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

type Choice = ChatCompletionChunk["choices"][number];

/**
 * Runs one request through a backend and yields OpenAI chunks: the role, content deltas, tool
 * calls, one chunk with `finish_reason`, and (with `include_usage`) a usage chunk. Everything a
 * model does not decide lives here, so every backend gets the same stop sequences, tool-call
 * parsing, moderation, ids and usage. A non-streamed completion is assembled from these very
 * chunks, which is why streamed and non-streamed replies can never disagree.
 *
 * Tool calls stream as OpenAI streams them: the first delta of a call carries its `index`, `id`,
 * `type` and `function.name` (with empty `arguments`), later deltas carry `arguments` fragments.
 * No family's raw markup ever reaches `content`. When the backend enforces the tool grammar, the
 * arguments stream as the model writes them; otherwise each call is held until it parses, and
 * text that is not a well-formed call is returned as content, never as a guessed call. Text the
 * model writes around its calls is content too, as OpenAI's message carries both.
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

  const format = req.tools.length > 0 && req.tool_choice !== "none" ? formatFor(req) : null;
  const trusted = generate.tool_constraint?.grammar != null;
  const scanner = format ? new CallStream(format, { trusted, tools: req.tools }) : null;
  const gate = new ModerationGate(ctx.moderate);
  const stops = new TextGate(req.stop);

  // The backend gets its own signal so that a stop sequence or the moderation hook can end
  // generation early while the caller's signal stays untouched.
  const stopGen = new AbortController();
  const release = onAbort(ctx.signal, () => stopGen.abort());
  const events = ctx.backend.generate(generate, stopGen.signal)[Symbol.asyncIterator]();

  let tokens = 0;
  let end: GenerateEnd | null = null;
  let stoppedBy: FinishReason | null = null;
  /** Calls sent to the page, by the scanner's index; calls past the first are dropped without parallel_tool_calls. */
  let calls = 0;
  let roleSent = false;
  // OpenAI's first chunk is `content: ""` before text and `content: null` before a tool call, so
  // with tools it waits until the output shows which (an SDK turns "" into an empty text part).
  const role = function* (content: "" | null): Generator<ChatCompletionChunk> {
    if (roleSent) return;
    roleSent = true;
    yield delta({ role: "assistant", content });
  };
  const content = async function* (text: string, logprobs: Choice["logprobs"]): AsyncGenerator<ChatCompletionChunk> {
    if (text.length === 0 && !logprobs) return;
    yield* role("");
    yield* gate.offer(delta({ content: text }, null, logprobs), text);
  };
  const toolEvents = async function* (list: CallEvent[], logprobs: Choice["logprobs"]): AsyncGenerator<ChatCompletionChunk> {
    let pending = logprobs;
    for (const ev of list) {
      if (gate.flagged) return;
      if (ev.type === "content") {
        yield* content(ev.text, pending);
        pending = null;
        continue;
      }
      if (ev.index > 0 && !req.parallel_tool_calls) continue;
      // Text before a call leaves first, once the page has passed it.
      yield* gate.release(true);
      if (gate.flagged) return;
      yield* role(null);
      if (ev.type === "call-start") {
        calls = Math.max(calls, ev.index + 1);
        yield delta({ tool_calls: [{ index: ev.index, id: newId("call_"), type: "function", function: { name: ev.name, arguments: "" } }] });
      } else {
        yield delta({ tool_calls: [{ index: ev.index, function: { arguments: ev.text } }] });
      }
    }
    if (pending) yield* content("", pending);
  };
  const emit = (text: string, logprobs: Choice["logprobs"]): AsyncGenerator<ChatCompletionChunk> =>
    scanner ? toolEvents(scanner.push(text), logprobs) : content(text, logprobs);

  try {
    // The backend's first event comes before the role chunk, so that an error before the first
    // token (the context window, a schema it cannot compile, a lost device) rejects create() as
    // a proper error instead of breaking a stream that has already begun.
    let first: IteratorResult<GenerateEvent> | null = await events.next();
    if (!scanner) yield* role("");
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
      yield* emit(r.emit, ev.logprobs ? { content: ev.logprobs, refusal: null } : null);
      if (gate.flagged) break;
      if (r.matched) {
        stoppedBy = "stop";
        break;
      }
    }
    if (!stoppedBy && !gate.flagged) yield* emit(stops.flush(), null);
    let incomplete = false;
    if (scanner && !gate.flagged) {
      const done = scanner.end();
      incomplete = done.incomplete;
      yield* toolEvents(done.events, null);
    }
    yield* gate.release(true);
    if (stoppedBy || gate.flagged) {
      // Ended early by us: let the backend wind down and report its counts.
      stopGen.abort();
      for (;;) {
        const next = await events.next();
        if (next.done) break;
        if (next.value.type === "end") end = next.value;
      }
    }
    if (ctx.signal.aborted) return;
    yield* role("");
    const natural = end?.finish_reason ?? "stop";
    const reason: FinishReason = gate.flagged ? "content_filter" : stoppedBy ?? (calls > 0 && !incomplete ? "tool_calls" : incomplete ? "length" : natural);
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
