import { yieldTask } from "../../rpc/next-task.js";
import { toolFormatFor } from "../../tools/families.js";
import { ContextLengthExceededError, InternalServerError } from "../../errors/classes.js";
import { modelNotFound } from "../../errors/not-found.js";
import type { LoadProgress, ModelInfo } from "../../openai/models.js";
import type { Backend, GenerateEvent, GenerateRequest, LoadContext } from "../backend.js";
import { promptTokens, tokenize } from "./tokenizer.js";
import { schemaInstance } from "./schema-instance.js";
import { constrainedReply } from "./tool-reply.js";
import { checkLikeWebLLM } from "./webllm-rules.js";
import { hash, prng, pseudoText } from "./words.js";

/** A model the fake serves: an id, or a ModelInfo-like record with at least an id. */
export type FakeModel = string | (Partial<ModelInfo> & { id: string });

/** Options of `fakeBackend`. */
export interface FakeBackendOptions {
  /** The models to serve. Defaults to one model, `"fake-1"`. */
  models?: FakeModel[];
  /**
   * The model's raw output: one string for every call, a list used one per call in turn (the
   * last one repeats), or a function of the request. Write tool calls in the model family's own
   * format (`toolCallText(model, call)` writes one); they go through the same parsing as real
   * output. A function sees the conversation as the app sent it, and the rendered prompt beside
   * it (see `FakeRequest`). Without `reply`, the fake writes seeded pseudo-text.
   */
  reply?: string | string[] | ((request: FakeRequest) => string | Promise<string>);
  /** Paces output at this many tokens per second. Defaults to full speed. */
  tokensPerSecond?: number;
  /** How long a first (uncached) load takes, with progress reports along the way. Default 0. */
  loadMs?: number;
  /** The context window of models given without one. Default 4096. */
  contextWindow?: number;
}

/**
 * What a `reply` function is given: the request, with `messages` as the app sent them (OpenAI's
 * shape, so `messages.at(-1).role === "tool"` after a tool call) and `prompt`, the messages as
 * the model gets them (tools and tool results rendered in the family's format).
 */
export type FakeRequest = Omit<GenerateRequest, "messages" | "conversation"> & {
  messages: GenerateRequest["conversation"];
  prompt: GenerateRequest["messages"];
};

const CREATED = 1_735_689_600; // 2025-01-01, fixed so that fixtures stay stable.

function toInfo(m: FakeModel, contextWindow: number): ModelInfo {
  const rec = typeof m === "string" ? { id: m } : m;
  return {
    object: "model",
    created: CREATED,
    owned_by: "pagellm-fake",
    vram_required_mb: null,
    context_window: contextWindow,
    requires: [],
    // A real id behaves like its family; its own "fake-…" ids get the generic JSON protocol.
    tools: toolFormatFor(rec.id) !== null,
    tool_format: toolFormatFor(rec.id)?.name ?? null,
    cached: false,
    download_size_bytes: null,
    download_size_estimated: false,
    buffer_size_required_bytes: null,
    ...rec,
  };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A deterministic backend for testing apps with no GPU, in CI or anywhere else. It runs all of
 * pagellm above the backend line (validation, queueing, stop sequences, tool-call parsing,
 * moderation, usage), so an app tested against it meets exactly the behaviour of a real model,
 * minus the model. Serve it from your worker:
 *
 * ```ts
 * import { serve } from "pagellm/worker";
 * import { fakeBackend } from "pagellm/testing";
 * serve({ backend: fakeBackend({ models: ["Qwen2.5-0.5B-Instruct-q4f16_1-MLC"], reply: "Hi!" }) });
 * ```
 *
 * Facts tests can rely on:
 * - with `seed`, the same seed gives the same text; `temperature: 0` gives the same text for the
 *   same prompt every time, whatever the seed (greedy decoding ignores it); otherwise it varies;
 * - it refuses what WebLLM refuses in a conversation (see `webllm-rules.ts`), and under a forced
 *   `tool_choice` it writes a valid call, or refuses a scripted reply a grammar could not produce;
 * - `max_tokens` ends a reply with `finish_reason: "length"` after exactly that many tokens;
 * - tokens are counted by the documented tokenizer in `tokenize`; `prompt_tokens` is the sum of
 *   each message's content tokens plus 2 per message, plus 1;
 * - like a real engine, it reuses its KV cache: a prompt that extends the previous conversation
 *   reports the shared prefix as `prompt_tokens_details.cached_tokens`.
 */
export function fakeBackend(options: FakeBackendOptions = {}): Backend {
  const window = options.contextWindow ?? 4096;
  const models = (options.models ?? ["fake-1"]).map((m) => toInfo(m, window));
  const cached = new Set<string>();
  let loaded: string | null = null;
  let kv: string[] = [];
  let calls = 0;

  const replyFor = async (req: GenerateRequest): Promise<string | null> => {
    const r = options.reply;
    const n = calls++;
    if (r === undefined) return null;
    if (typeof r === "string") return r;
    if (Array.isArray(r)) return r[Math.min(n, r.length - 1)] ?? "";
    const { conversation, messages, ...rest } = req;
    return r({ ...rest, messages: conversation, prompt: messages });
  };

  const checkContext = (req: GenerateRequest): { context: number; prompt: string[] } => {
    const info = models.find((m) => m.id === req.model);
    const context = info?.context_window ?? window;
    const prompt = promptTokens(req.messages);
    if (prompt.length + (req.max_tokens ?? 0) > context) {
      throw new ContextLengthExceededError(
        `This model's maximum context length is ${context} tokens. However, you requested ${prompt.length + (req.max_tokens ?? 0)} tokens ` +
          `(${prompt.length} in the messages, ${req.max_tokens ?? 0} in the completion). Please reduce the length of the messages or completion.`,
      );
    }
    return { context, prompt };
  };

  return {
    // It honours every constraint it declares: JSON, schemas and forced tool calls are written valid.
    capabilities: { jsonObject: true, jsonSchema: true, logprobs: true, grammar: true, vision: false, embeddings: false },

    async listModels() {
      return models.map((m) => ({ ...m, cached: m.cached || cached.has(m.id) }));
    },

    async load(model: string, ctx: LoadContext) {
      const started = Date.now();
      const fromCache = cached.has(model);
      const report = (phase: string, progress: number, text: string): void => {
        const p: LoadProgress = { model, phase, progress, text, elapsed_ms: Date.now() - started };
        if (phase === "fetch-weights") {
          p.total_bytes = 100_000_000;
          p.loaded_bytes = Math.round(progress * 100_000_000);
        }
        ctx.onProgress(p);
      };
      const steps = fromCache ? 1 : 10;
      for (let i = 0; i <= steps; i++) {
        if (ctx.signal.aborted) return;
        report(fromCache ? "cache" : "fetch-weights", i / steps, fromCache ? "Loading from cache" : `Fetching weights ${i * 10}%`);
        if (!fromCache && options.loadMs) await sleep(options.loadMs / steps);
      }
      cached.add(model);
      loaded = model;
      kv = [];
      report("ready", 1, "Ready");
    },

    async unload() {
      loaded = null;
      kv = [];
    },

    // Like WebLLM's storage: the next load of a deleted model is a first (uncached) load again.
    async deleteModel(model: string) {
      const info = models.find((m) => m.id === model);
      if (!info) throw modelNotFound(model);
      if (loaded === model) throw new InternalServerError(`Model "${model}" is loaded: the host must unload it before deleting its files.`);
      cached.delete(model);
      info.cached = false;
    },

    // Like a real engine with its tokenizer at hand, the fake refuses an oversized prompt before
    // it loads anything; generate() checks again for callers that skip the preflight.
    preflight(req: GenerateRequest) {
      checkContext(req);
    },

    async *generate(req: GenerateRequest, signal: AbortSignal): AsyncGenerator<GenerateEvent> {
      checkLikeWebLLM(req.messages);
      const { context, prompt } = checkContext(req);
      let cachedTokens = 0;
      if (loaded === req.model) while (cachedTokens < kv.length && cachedTokens < prompt.length - 1 && kv[cachedTokens] === prompt[cachedTokens]) cachedTokens++;

      // Greedy decoding (temperature 0) ignores the seed: the same prompt, the same text.
      const seed = req.temperature === 0 ? hash(JSON.stringify(req.messages)) : (req.seed ?? (Math.random() * 2 ** 32) >>> 0);
      const rand = prng(seed);
      const scripted = await replyFor(req);
      let text = scripted ?? pseudoText(rand, 12 + Math.floor(rand() * 40));
      if (req.tool_constraint) text = constrainedReply(req.tool_constraint, scripted, rand);
      // JSON mode without a script: what a constrained model would write. A JSON object around
      // the pseudo-text, or a valid instance of the schema (a scripted reply is used as it is).
      const format = req.response_format;
      if (scripted === null && !req.tool_constraint && format?.type === "json_object") text = JSON.stringify({ text });
      if (scripted === null && !req.tool_constraint && format?.type === "json_schema") text = JSON.stringify(schemaInstance(format.json_schema.schema ?? {}, rand));
      const tokens = tokenize(text);
      const limit = Math.min(req.max_tokens ?? Infinity, context - prompt.length);
      const delay = options.tokensPerSecond ? 1000 / options.tokensPerSecond : 0;

      let produced = 0;
      for (const token of tokens) {
        if (signal.aborted || produced >= limit) break;
        if (delay) await sleep(delay);
        // At full speed, let cancel messages in every 16 tokens. A message to ourselves, not
        // setTimeout(0): browsers clamp nested timers to 4 ms, which capped the fake near 4k tokens/s.
        else if (produced % 16 === 15) await yieldTask();
        if (signal.aborted) break;
        produced++;
        const ev: GenerateEvent = { type: "delta", text: token, tokens: 1 };
        if (req.logprobs) {
          const top = Array.from({ length: req.top_logprobs ?? 0 }, (_, i) => ({ token: i === 0 ? token : `alt${i}`, logprob: -i - rand(), bytes: null }));
          ev.logprobs = [{ token, logprob: -rand(), bytes: [...new TextEncoder().encode(token)], top_logprobs: top }];
        }
        yield ev;
      }
      kv = [...prompt, ...tokens.slice(0, produced), "<|end|>"];
      yield {
        type: "end",
        finish_reason: produced < tokens.length && !signal.aborted ? "length" : "stop",
        prompt_tokens: prompt.length,
        completion_tokens: produced,
        cached_tokens: cachedTokens,
      };
    },
  };
}
