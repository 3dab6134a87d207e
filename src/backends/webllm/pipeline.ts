import type { ChatCompletionTokenLogprob } from "../../openai/chat.js";
import { ENGINE_PIPELINES, missingPipelineMembers, PIPELINE_FIELDS, PIPELINE_METHODS, WEBLLM_VERSION } from "./internals.js";

/**
 * Exact token counts from a loaded model's `LLMChatPipeline`, read through the names in
 * internals.ts (WebLLM keeps these private in its types, though they are public at run time).
 */
export interface PipelineCounts {
  /** KV-cache entries filled: the reused prefix, this round's prefill, and one per decode step. */
  kvCacheLength(): number;
  /** Decode steps this round. */
  decodedTokens(): number;
  /** Tokens committed to the output this round, held-back UTF-8 fragments included. */
  completionTokens(): number;
  /** Tokens prefilled this round. */
  prefilledTokens(): number;
  /** One logprob entry per sampled token this round. */
  logprobs(): ChatCompletionTokenLogprob[];
}

/** Engines already warned about, so that a missing internal is reported once, not per request. */
const warned = new WeakSet<object>();

/** The console warning for `missing` internals; exported for tests to match it. */
export function degradedUsageWarning(missing: string[]): string {
  return (
    `pagellm: this WebLLM lacks internals that pagellm reads for exact usage: ${missing.join(", ")}. ` +
    "Usage falls back to WebLLM's own counts: prompt_tokens counts only the tokens prefilled this turn (not the whole prompt " +
    "when the KV cache is reused), prompt_tokens_details.cached_tokens is always 0, the tokens of each streamed delta are " +
    "estimated (one per chunk), and logprobs come from WebLLM's chunks. This WebLLM is not the version pagellm was tested " +
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
  if (missing.length > 0) {
    warnOnce(engine, missing);
    return null;
  }
  // missingPipelineMembers has just checked every member read below.
  const live = p as Record<string, unknown>;
  const call = <T>(name: string): T => (live[name] as () => T).call(live);
  return {
    kvCacheLength: () => live[PIPELINE_FIELDS.kvCacheLength] as number,
    decodedTokens: () => call<number>(PIPELINE_METHODS.decodedTokens),
    completionTokens: () => call<number>(PIPELINE_METHODS.completionTokens),
    prefilledTokens: () => call<number>(PIPELINE_METHODS.prefilledTokens),
    logprobs: () => call<ChatCompletionTokenLogprob[]>(PIPELINE_METHODS.logprobs),
  };
}
