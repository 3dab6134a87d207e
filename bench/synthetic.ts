import type { ModelInfo } from "../src/openai/models.js";
import { WORDS } from "../src/backends/fake/words.js";
import type { Backend, GenerateEvent, GenerateRequest } from "../src/backends/backend.js";

/**
 * The synthetic backend that feeds all three transports, (a) direct, (b) pagellm and (c) WebLLM's
 * own worker protocol, so that they stream byte-for-byte the same chunks at the same cost.
 *
 * Why not `fakeBackend` itself? It used to yield with `setTimeout(0)`, which browsers clamp to
 * 4 ms once nested, capping it near 4,000 chunks/s whatever the transport did (this benchmark is
 * how that was found; the fake now yields through a MessageChannel too). The twin stays because
 * it streams exactly N one-token chunks of one fixed shape, which all three scenarios, WebLLM's
 * handler included, can be fed identically. (`bench/run.ts` still measures the fake as shipped,
 * for information.)
 *
 * So this backend is the fake's twin: the same `{ type: "delta", text, tokens: 1 }`
 * events, one token each, the same end event, and the same "yield to the event loop every 16
 * tokens" (so a `cancel` or `credit` message can get in at full speed, as in the fake), but the
 * yield is a MessageChannel task, which browsers never clamp. It is used identically in all three
 * scenarios, behind the same `runPipeline`, so every scenario produces identical
 * `ChatCompletionChunk` objects (same id length, same fields, same content strings).
 */

export const BENCH_MODEL = "bench-1";

/** How many tokens the backend produces between two yields to the event loop (as the fake does). */
const YIELD_EVERY = 16;

/** Token `i` of every synthetic reply: a word of the fake's vocabulary with its leading space. */
export const token = (i: number): string => ` ${WORDS[i % WORDS.length] ?? "the"}`;

/**
 * One macrotask, unclamped: a message to ourselves through a private MessageChannel (the usual
 * `setImmediate` stand-in in browsers). Resolvers queue in order, one message each.
 */
function makeYield(): () => Promise<void> {
  const channel = new MessageChannel();
  const waiting: (() => void)[] = [];
  channel.port1.onmessage = () => waiting.shift()?.();
  return () =>
    new Promise<void>((resolve) => {
      waiting.push(resolve);
      channel.port2.postMessage(null);
    });
}

const INFO: ModelInfo = {
  id: BENCH_MODEL,
  object: "model",
  created: 1_735_689_600,
  owned_by: "pagellm-bench",
  vram_required_mb: null,
  context_window: 1_000_000,
  requires: [],
  tools: false,
  cached: true,
  tool_format: null,
  download_size_bytes: null,
  download_size_estimated: false,
  buffer_size_required_bytes: null,
};

/**
 * A backend that writes exactly `max_tokens` one-token deltas (16 when unset) as fast as it can.
 * The reply length travels in the request, so one worker serves both the long throughput runs
 * and the short time-to-first-token runs.
 */
export function syntheticBackend(): Backend {
  const yieldTask = makeYield();
  return {
    capabilities: { jsonObject: false, jsonSchema: false, logprobs: false, grammar: false, vision: false, embeddings: false },
    async listModels() {
      return [INFO];
    },
    async load() {},
    async unload() {},
    async *generate(req: GenerateRequest, signal: AbortSignal): AsyncGenerator<GenerateEvent> {
      const n = req.max_tokens ?? 16;
      let produced = 0;
      for (let i = 0; i < n; i++) {
        if (i % YIELD_EVERY === YIELD_EVERY - 1) await yieldTask();
        if (signal.aborted) break;
        produced++;
        yield { type: "delta", text: token(i), tokens: 1 };
      }
      yield { type: "end", finish_reason: "stop", prompt_tokens: 8, completion_tokens: produced, cached_tokens: 0 };
    },
  };
}

/**
 * `fakeBackend`'s scripted reply for the "fake as shipped" rows: the very tokens the synthetic
 * backend writes, `max_tokens` of them (the fake's tokenizer splits them back one per token).
 */
export const scriptedReply = (req: { max_tokens: number | null }): string =>
  Array.from({ length: req.max_tokens ?? 16 }, (_, i) => token(i)).join("");

/** `fakeBackend` options that serve the bench model with the scripted reply and no context limit. */
export const fakeOptions = { models: [BENCH_MODEL], reply: scriptedReply, contextWindow: 10_000_000 };
