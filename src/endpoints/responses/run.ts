import type { Backend } from "../../backends/backend.js";
import { APIUserAbortError, toAPIError, type APIError } from "../../errors/classes.js";
import type { ChatCompletionAssistantMessageParam, ChatCompletionChunk, CompletionUsage, FinishReason } from "../../openai/chat.js";
import type { ResponseStreamEvent, ResponseUsage } from "../../openai/responses.js";
import { ThinkSplitter } from "./think.js";
import type { ResponseWriter } from "./writer.js";

/** What a run leaves behind besides its events. */
export interface RunResult {
  /** The reply as the conversation continues it: the raw text (thinking included, as the model wrote it) and the calls. */
  assistant: ChatCompletionAssistantMessageParam | null;
  /** The output text so far, as the model wrote it: what a cancelled response keeps. */
  raw: string;
  /** The error that ended a stream with `response.failed`. */
  error: APIError | null;
}

/**
 * Wraps the backend to count the tokens of the model's thinking as they are generated: a delta
 * counts as thinking when the thinking is open at its start or at its end, so the tags' own
 * tokens count as thinking too (an opening tag that took several tokens counts them all). The
 * deltas themselves pass through untouched.
 */
export function countThinking(backend: Pick<Backend, "generate">, startThinking: boolean, count: { tokens: number }): Pick<Backend, "generate"> {
  return {
    async *generate(request, signal) {
      const split = new ThinkSplitter(startThinking);
      // Tokens of text held back outside the thinking (the start of what may be a tag).
      let held = 0;
      for await (const ev of backend.generate(request, signal)) {
        if (ev.type === "delta") {
          const before = split.inThinking;
          const pieces = split.push(ev.text);
          if (before || split.inThinking || pieces.some((p) => p.kind === "reasoning")) {
            count.tokens += ev.tokens + (before ? 0 : held);
            held = 0;
          } else {
            held = pieces.length === 0 ? held + ev.tokens : 0;
          }
        }
        yield ev;
      }
    },
  };
}

function usage(u: CompletionUsage | null | undefined, reasoning: number): ResponseUsage {
  const input = u?.prompt_tokens ?? 0;
  const output = u?.completion_tokens ?? 0;
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: u?.prompt_tokens_details?.cached_tokens ?? 0, cache_write_tokens: 0 },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: Math.min(reasoning, output) },
    total_tokens: input + output,
  };
}

/**
 * Turns the chat pipeline's chunks into the Responses API's events, in OpenAI's order. The
 * first event waits for the pipeline's first chunk, which waits for the backend's first token,
 * so an error before any output (the context window, a lost device) rejects the call instead of
 * breaking a stream. An error after that ends the stream with `response.failed`. A run the caller
 * aborted ends by throwing `APIUserAbortError`, its response marked `cancelled`.
 */
export async function* toEvents(
  run: AsyncGenerator<ChatCompletionChunk>,
  writer: ResponseWriter,
  thinking: { start: boolean; tokens: { tokens: number } },
  result: RunResult,
): AsyncGenerator<ResponseStreamEvent> {
  const split = new ThinkSplitter(thinking.start);
  let started = false;
  // The calls by the pipeline's index: the first delta names one, later deltas add arguments.
  const calls: { id: string; type: "function"; function: { name: string; arguments: string } }[] = [];
  let finish: FinishReason | null = null;
  let counted: CompletionUsage | null | undefined;
  try {
    for await (const chunk of run) {
      if (!started) {
        started = true;
        yield* writer.start();
      }
      if (chunk.usage) counted = chunk.usage;
      const choice = chunk.choices[0];
      if (!choice) continue;
      const text = choice.delta.content;
      if (text) {
        result.raw += text;
        yield* writer.text(split.push(text));
      }
      for (const t of choice.delta.tool_calls ?? []) {
        const call = calls[t.index];
        const args = t.function?.arguments ?? "";
        if (call) {
          call.function.arguments += args;
          yield* writer.callArguments(args);
        } else if (t.id && t.function?.name !== undefined) {
          // Text held back (what might have begun a tag) belongs before the call.
          yield* writer.text(split.flush());
          calls[t.index] = { id: t.id, type: "function", function: { name: t.function.name, arguments: args } };
          yield* writer.callStart(t.id, t.function.name);
          yield* writer.callArguments(args);
        }
      }
      finish = choice.finish_reason ?? finish;
    }
  } catch (err) {
    if (!started || err instanceof APIUserAbortError) throw err;
    result.error = toAPIError(err);
    yield* writer.fail(result.error.message);
    return;
  }
  // The pipeline stops without a finish reason only when the caller aborted.
  if (!finish) {
    writer.cancel();
    throw new APIUserAbortError();
  }
  yield* writer.text(split.flush());
  const tool_calls = calls.filter(Boolean);
  const raw = result.raw;
  if (raw !== "" || tool_calls.length > 0) result.assistant = tool_calls.length > 0 ? { role: "assistant", content: raw || null, tool_calls } : { role: "assistant", content: raw };
  const end = usage(counted, thinking.tokens.tokens);
  if (finish === "length" || finish === "content_filter") {
    yield* writer.finish({ status: "incomplete", reason: finish === "length" ? "max_output_tokens" : "content_filter", usage: end });
  } else {
    yield* writer.finish({ status: "completed", usage: end });
  }
}
