import type { ChatCompletionChunk as WebLLMChunk, MLCEngine } from "@mlc-ai/web-llm";
import type { ChatCompletionTokenLogprob } from "../../openai/chat.js";
import type { GenerateEvent, GenerateRequest } from "../backend.js";
import { fromWebLLMError } from "./errors.js";
import { pipelineOf } from "./pipeline.js";
import { schemaParam, toWebLLMRequest } from "./request.js";

/** How one generation is being controlled from outside. */
export interface GenerateControl {
  signal: AbortSignal;
  /** Called when the WebLLM stream is left unfinished: it must be drained in the background. */
  leftRunning(drain: Promise<void>): void;
}

/**
 * Runs one streamed chat completion on a loaded engine and translates WebLLM's chunks into
 * `GenerateEvent`s.
 *
 * Abort: `interruptGenerate()` only sets a flag that WebLLM checks between decode steps, and
 * WebLLM clears that flag when a generation takes the model's lock, so it is raised again after
 * every chunk until the stream ends. The stream then ends within one decode step (a prefill in
 * progress cannot be cut short), and WebLLM's non-standard `abort` finish reason is reported as
 * `stop`. An abort before the first chunk never starts the generation at all.
 */
export async function* generate(engine: MLCEngine, model: string, req: GenerateRequest, ctl: GenerateControl): AsyncGenerator<GenerateEvent> {
  const { signal } = ctl;
  if (signal.aborted) return;
  const interrupt = (): void => void engine.interruptGenerate().catch(() => undefined);
  let stream: AsyncIterable<WebLLMChunk>;
  try {
    stream = await engine.chatCompletion(toWebLLMRequest(model, req));
  } catch (err) {
    throw fromWebLLMError(err, { model, loaded: true });
  }
  const it = stream[Symbol.asyncIterator]();
  const grammarParam = schemaParam(req);
  let started = false;
  let finished = false;
  signal.addEventListener("abort", interrupt, { once: true });
  try {
    if (signal.aborted) return;
    const pipeline = pipelineOf(engine, model);
    let tokensSeen = 0;
    let logprobsSeen = 0;
    let finish: "stop" | "length" = "stop";
    let usage: WebLLMChunk["usage"];
    for (;;) {
      let next: IteratorResult<WebLLMChunk>;
      try {
        started = true;
        next = await it.next();
      } catch (err) {
        finished = true; // a throwing generator is done
        throw fromWebLLMError(err, { model, loaded: true, grammarParam });
      }
      if (next.done) break;
      if (signal.aborted) interrupt();
      const chunk = next.value;
      if (chunk.usage) usage = chunk.usage;
      const choice = chunk.choices[0];
      if (!choice) continue;
      if (choice.finish_reason === "length") finish = "length";
      const text = choice.delta.content ?? "";
      // Tokens: WebLLM skips a chunk while its text ends in an incomplete UTF-8 character, so one
      // chunk may hold several tokens; the pipeline's running count says exactly how many.
      let tokens = text.length > 0 ? 1 : 0;
      let logprobs: ChatCompletionTokenLogprob[] | undefined = choice.logprobs?.content ?? undefined;
      if (pipeline?.completionTokens) {
        const count = pipeline.completionTokens();
        tokens = count - tokensSeen;
        tokensSeen = count;
      } else {
        tokensSeen += tokens;
      }
      if (req.logprobs && pipeline?.logprobs) {
        const all = pipeline.logprobs();
        logprobs = all.slice(logprobsSeen);
        logprobsSeen = all.length;
      }
      if (text.length === 0 && tokens === 0 && !logprobs?.length) continue;
      const delta: GenerateEvent = { type: "delta", text, tokens };
      if (req.logprobs && logprobs?.length) delta.logprobs = logprobs;
      yield delta;
    }
    finished = true;
    // prompt_tokens: WebLLM's usage counts only the tokens it prefilled this round. When the
    // messages extend the conversation it ran last (`compareConversationObject` in its
    // `preparePrefillInput`), it keeps the KV cache and prefills only the new turn. The KV cache
    // then holds the reused prefix + this round's prefill + one entry per decode step (each step
    // feeds back the token sampled before it; the last token sampled is never fed back), so
    // the whole prompt = filledKVCacheLength - decode steps, and the reused (cached) part is the
    // whole prompt minus what was prefilled. Read before the stream's `finally` runs, while
    // nothing else can touch the pipeline (WebLLM holds the model's lock until then). Without
    // the pipeline (a WebLLM other than the tested one; pipelineOf has warned), WebLLM's own
    // count stands and nothing counts as cached.
    const prefilled = usage?.prompt_tokens ?? pipeline?.prefilledTokens?.() ?? 0;
    let promptTokens = prefilled;
    if (pipeline?.kvCacheLength && pipeline.decodedTokens) promptTokens = Math.max(prefilled, pipeline.kvCacheLength() - pipeline.decodedTokens());
    yield {
      type: "end",
      finish_reason: finish,
      prompt_tokens: promptTokens,
      completion_tokens: usage?.completion_tokens ?? tokensSeen,
      cached_tokens: promptTokens - prefilled,
    };
  } finally {
    signal.removeEventListener("abort", interrupt);
    if (!started) {
      // Never started: WebLLM's generator has not taken the model's lock or run a prefill yet.
      void it.return?.(undefined)?.catch(() => undefined);
    } else if (!finished) {
      // Left early (the caller's `return()`): stop WebLLM and let it finish in the background,
      // so that it releases the model's lock and leaves the KV cache consistent.
      interrupt();
      ctl.leftRunning(drain(it, interrupt));
    }
  }
}

async function drain(it: AsyncIterator<WebLLMChunk>, interrupt: () => void): Promise<void> {
  try {
    for (;;) {
      interrupt();
      if ((await it.next()).done) return;
    }
  } catch {
    // The caller has gone; nothing to report to.
  }
}
