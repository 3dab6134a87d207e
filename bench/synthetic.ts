import type { ModelInfo } from "../src/protocol.js";
import { WORDS } from "../src/testing/words.js";
import type { Backend, GenerateEvent, GenerateRequest } from "../src/worker/backend.js";

/**
 * The synthetic backend that feeds all three transports, (a) direct, (b) pagellm and (c) WebLLM's
 * own worker protocol, so that they stream byte-for-byte the same chunks at the same cost.
 *
 * Why not `fakeBackend` at full speed? Because it yields to the event loop every 16 tokens with
 * `setTimeout(0)`, and browsers clamp a timer nested more than 5 deep to 4 ms (HTML spec; measured
 * here: 4.0-4.2 ms per nested `setTimeout(0)` in Chromium 156, page and worker alike). A producer
 * that loops on its own timers is nested forever, so the fake at "full speed" tops out near
 * 16 tokens / 4 ms = 4,000 chunks/s in (a) and (b), whatever the transport does, and b/a would
 * read ~1.0 for a reason that has nothing to do with pagellm. Worse, in (c) every chunk is pulled
 * by a message from the page, which resets the nesting level, so the fake would NOT be clamped
 * there, and b/c would be skewed against pagellm. The benchmark would measure timers, not the
 * transport. (`bench/run.ts` still measures the fake as shipped, for information.)
 *
 * So this backend is the fake's twin without the clamp: the same `{ type: "delta", text, tokens: 1 }`
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
};

/**
 * A backend that writes exactly `max_tokens` one-token deltas (16 when unset) as fast as it can.
 * The reply length travels in the request, so one worker serves both the long throughput runs
 * and the short time-to-first-token runs.
 */
export function syntheticBackend(): Backend {
  const yieldTask = makeYield();
  return {
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
