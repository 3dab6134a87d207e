import { WebWorkerMLCEngine } from "@mlc-ai/web-llm";
import { createEngine, type Engine } from "../../src/index.js";
import { fakeBackend } from "../../src/testing.js";
import { serve } from "../../src/worker.js";
import type { Backend } from "../../src/backends/backend.js";
import { runPipeline, toGenerateRequest } from "../../src/endpoints/chat/pipeline.js";
import { validateRequest } from "../../src/endpoints/chat/validate.js";
import { BENCH_MODEL, fakeOptions, syntheticBackend } from "../synthetic.js";
import { streamRequest, type Mode, type StreamRun, type TransportApi } from "./api.js";

/** The part of a chunk the consumer reads; every scenario's chunks have exactly this shape. */
type ChunkLike = { choices: { delta: { content?: string | null } }[] };
type Open = (tokens: number) => Promise<AsyncIterable<ChunkLike>>;

const TTFT_TOKENS = 8;

/** (a): the worker's whole request path, called on the page's thread with no worker at all. */
function direct(backend: Backend): Open {
  return async (tokens) => {
    const req = validateRequest(streamRequest(tokens));
    return runPipeline(req, toGenerateRequest(req), { backend, signal: new AbortController().signal });
  };
}

/** (b): pagellm as an app uses it. */
function viaPagellm(engine: Engine): Open {
  return (tokens) => engine.chat.completions.create(streamRequest(tokens));
}

/** (c): WebLLM's client as an app uses it. */
function viaWebLLM(client: WebWorkerMLCEngine): Open {
  return (tokens) => client.chat.completions.create(streamRequest(tokens));
}

const pagellmWorker = (name: string): Worker =>
  new Worker(new URL("../workers/pagellm.ts", import.meta.url), { type: "module", name });

/**
 * (b) with `serve()` on the page's own thread, over a MessageChannel: every cost of pagellm's
 * path (comlink, the call port, batching, cloning, the Stream) and no second thread to spread it
 * over. Its rate is what (b) tends to on a machine with no spare core.
 */
function oneThread(): Promise<Engine> {
  const channel = new MessageChannel();
  serve({ backend: syntheticBackend(), endpoint: channel.port2 });
  channel.port2.start();
  return createEngine({ worker: channel.port1 });
}

async function setup(): Promise<Record<Mode, Open>> {
  const b = await createEngine({ worker: pagellmWorker("synthetic") });
  const b1 = await oneThread();
  const bFake = await createEngine({ worker: pagellmWorker("fake") });
  const bMod = await createEngine({ worker: pagellmWorker("synthetic"), moderate: () => false });
  const c = new WebWorkerMLCEngine(new Worker(new URL("../workers/webllm.ts", import.meta.url), { type: "module" }));
  await c.reload(BENCH_MODEL);
  return {
    a: direct(syntheticBackend()),
    b: viaPagellm(b),
    c: viaWebLLM(c),
    b1: viaPagellm(b1),
    "a-fake": direct(fakeBackend(fakeOptions)),
    "b-fake": viaPagellm(bFake),
    "b-mod": viaPagellm(bMod),
  };
}

const opened = setup();

/**
 * The consumer, identical in every scenario: count the chunks and the content characters, as a
 * UI that appends deltas would, and nothing else.
 */
async function stream(mode: Mode, tokens: number): Promise<StreamRun> {
  const open = (await opened)[mode];
  const t0 = performance.now();
  let chunks = 0;
  let chars = 0;
  for await (const chunk of await open(tokens)) {
    chunks++;
    chars += chunk.choices[0]?.delta.content?.length ?? 0;
  }
  return { chunks, chars, ms: performance.now() - t0 };
}

async function ttft(mode: Mode): Promise<number> {
  const open = (await opened)[mode];
  const t0 = performance.now();
  const iterator = (await open(TTFT_TOKENS))[Symbol.asyncIterator]();
  const first = await iterator.next();
  const ms = performance.now() - t0;
  if (first.done) throw new Error(`${mode}: the stream ended before its first chunk.`);
  // Read the rest, so that the next sample does not queue behind this one.
  while (!(await iterator.next()).done);
  return ms;
}

const api: TransportApi = { ready: opened.then(() => undefined), stream, ttft };
window.transport = api;
