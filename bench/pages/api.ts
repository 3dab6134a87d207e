/**
 * The contract between `bench/run.ts` (Node, driving Chromium) and the bench pages: what each
 * page exposes on `window`, and the request every scenario sends. Types plus one pure function,
 * so both sides can import it.
 */
import { BENCH_MODEL } from "../synthetic.js";

/**
 * The transports under test:
 * - `a`: no worker; validation, pipeline and backend run on the page's own thread;
 * - `b`: pagellm through its module Worker (comlink call + one MessagePort with credits);
 * - `c`: WebLLM's `WebWorkerMLCEngine` client and `WebWorkerMLCEngineHandler`, one round trip per chunk;
 * - `b1`: (b) with `serve()` on the page's thread: pagellm's CPU cost per chunk, with no parallelism;
 * - `a-fake`, `b-fake`: (a) and (b) with `fakeBackend` as shipped;
 * - `b-mod`: (b) with a trivial `moderate` hook (`() => false`), for the moderation figure.
 * Only a, b and c count towards the targets; the others are there to explain them.
 */
export type Mode = "a" | "b" | "c" | "b1" | "a-fake" | "b-fake" | "b-mod";

/** One streamed reply, read to the end. */
export interface StreamRun {
  chunks: number;
  /** Characters of content received: proof that every chunk was really read. */
  chars: number;
  /** create() to the last chunk, in milliseconds. */
  ms: number;
}

export interface TransportApi {
  /** Resolves once every worker is up and has answered once. */
  ready: Promise<void>;
  stream(mode: Mode, tokens: number): Promise<StreamRun>;
  /** create() to the first chunk, in milliseconds, of a short reply (read to its end afterwards). */
  ttft(mode: Mode): Promise<number>;
}

export interface RenderResult {
  /** Long tasks (over 50 ms) on the main thread while the reply rendered. */
  longTasks: number[];
  /** Long animation frames (over 50 ms; Chromium's LoAF), for information. */
  longFrames: number[];
  chunks: number;
  ms: number;
}

export interface RenderApi {
  ready: Promise<void>;
  /** Streams a reply of `tokens` tokens into the chat transcript and reports the main thread's stalls. */
  render(tokens: number): Promise<RenderResult>;
}

declare global {
  interface Window {
    transport?: TransportApi;
    chat?: RenderApi;
  }
}

/** The request every scenario sends: a streamed reply of exactly `tokens` one-token chunks. */
export function streamRequest(tokens: number) {
  return {
    model: BENCH_MODEL,
    messages: [{ role: "user" as const, content: "Write something." }],
    stream: true as const,
    max_tokens: tokens,
  };
}
