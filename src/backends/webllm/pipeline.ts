import type { ChatCompletionTokenLogprob } from "../../openai/chat.js";
import { ENGINE_PIPELINES, missingPipelineMembers, PIPELINE_FIELDS, PIPELINE_METHODS, WEBLLM_VERSION } from "./internals.js";

/**
 * Exact token counts from a loaded model's `LLMChatPipeline`, read through the names in
 * internals.ts (WebLLM keeps these private in its types, though they are public at run time).
 * Each is absent on its own when its internal is missing, so that one renamed method degrades
 * only what needs it: WebLLM 0.2.79 has every one of them but `completionTokens`, and its
 * whole-prompt and cached counts are still exact.
 */
export interface PipelineCounts {
  /** KV-cache entries filled: the reused prefix, this round's prefill, and one per decode step. */
  kvCacheLength?: () => number;
  /** Decode steps this round. */
  decodedTokens?: () => number;
  /** Tokens committed to the output this round, held-back UTF-8 fragments included. */
  completionTokens?: () => number;
  /** Tokens prefilled this round. */
  prefilledTokens?: () => number;
  /** One logprob entry per sampled token this round. */
  logprobs?: () => ChatCompletionTokenLogprob[];
}

/** Engines already warned about, so that a missing internal is reported once, not per request. */
const warned = new WeakSet<object>();

/** The console warning for `missing` internals; exported for tests to match it. */
export function degradedUsageWarning(missing: string[]): string {
  return (
    `pagellm: this WebLLM lacks internals that pagellm reads for exact usage: ${missing.join(", ")}. ` +
    "What needs them falls back to WebLLM's own counts: without the KV-cache length or the decode count, prompt_tokens counts only the " +
    "tokens prefilled this turn and prompt_tokens_details.cached_tokens is 0; without the completion count, the tokens of each streamed " +
    "delta are estimated (one per chunk); without the logprob array, logprobs come from WebLLM's chunks. This WebLLM is not the version pagellm was tested " +
    `against (@mlc-ai/web-llm ${WEBLLM_VERSION}); install exactly that version to get exact counts.`
  );
}

function warnOnce(engine: object, missing: string[]): void {
  if (warned.has(engine)) return;
  warned.add(engine);
  console.warn(degradedUsageWarning(missing));
}

/**
 * The counts of `model`'s pipeline on `engine`, or `null` when they cannot be read. A missing or
 * mis-shaped internal means a WebLLM other than the tested one: that warns once per engine, and
 * the caller falls back to WebLLM's approximate counts. A model with no pipeline is not loaded,
 * which WebLLM reports by itself, so that is no reason to warn.
 */
export function pipelineOf(engine: object, model: string): PipelineCounts | null {
  const pipelines = (engine as Record<string, unknown>)[ENGINE_PIPELINES];
  if (!(pipelines instanceof Map)) {
    warnOnce(engine, [`MLCEngine.${ENGINE_PIPELINES} (a Map of model id to pipeline)`]);
    return null;
  }
  const p: unknown = pipelines.get(model);
  if (p === undefined) return null;
  const missing = missingPipelineMembers(p);
  if (missing.length > 0) warnOnce(engine, missing);
  const live = p as Record<string, unknown>;
  const method = <T>(name: string): (() => T) | undefined =>
    typeof live[name] === "function" ? () => (live[name] as () => T).call(live) : undefined;
  const counts: PipelineCounts = {};
  if (typeof live[PIPELINE_FIELDS.kvCacheLength] === "number") counts.kvCacheLength = () => live[PIPELINE_FIELDS.kvCacheLength] as number;
  const decoded = method<number>(PIPELINE_METHODS.decodedTokens);
  if (decoded) counts.decodedTokens = decoded;
  const completion = method<number>(PIPELINE_METHODS.completionTokens);
  if (completion) counts.completionTokens = completion;
  const prefilled = method<number>(PIPELINE_METHODS.prefilledTokens);
  if (prefilled) counts.prefilledTokens = prefilled;
  const logprobs = method<ChatCompletionTokenLogprob[]>(PIPELINE_METHODS.logprobs);
  if (logprobs) counts.logprobs = logprobs;
  return counts;
}
