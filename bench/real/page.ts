// The real-inference bench page: one scenario per fresh browser, driven by bench/real/measure.ts.
// All three load the same synthetic model from the same model host and time the same request on
// the page's clock, at the moment each content delta reaches the page.
import { WebWorkerMLCEngine } from "@mlc-ai/web-llm";
import { createEngine } from "../../src/index.js";
import { REAL_MODEL_ID, realRecord, realRequest, type RealOptions, type RealRun, type RealScenario } from "./api.js";
import type { RawCommand, RawEvent } from "./workers/raw.js";

/** The content deltas of an OpenAI-shaped chunk stream. */
async function* deltas(stream: AsyncIterable<{ choices: { delta: { content?: string | null } }[] }>): AsyncGenerator<string> {
  for await (const c of stream) {
    const content = c.choices[0]?.delta.content;
    if (content) yield content;
  }
}

/** A loaded model in one scenario's worker. */
interface Loaded {
  /** The timed request's content deltas, as they reach the page. */
  chat(maxTokens: number): AsyncIterable<string>;
  close(): Promise<void>;
}

async function viaPagellm(o: RealOptions): Promise<Loaded> {
  const worker = new Worker(new URL("./workers/pagellm.ts", import.meta.url), { type: "module" });
  const engine = await createEngine({ worker, models: [realRecord(o)] });
  await engine.load(REAL_MODEL_ID);
  return {
    chat: async function* (maxTokens) {
      yield* deltas(await engine.chat.completions.create(realRequest(maxTokens)));
    },
    async close() {
      await engine.close();
      worker.terminate();
    },
  };
}

async function viaWebLLM(o: RealOptions): Promise<Loaded> {
  const worker = new Worker(new URL("./workers/webllm.ts", import.meta.url), { type: "module" });
  const client = new WebWorkerMLCEngine(worker, { appConfig: { model_list: [realRecord(o)] } });
  await client.reload(REAL_MODEL_ID);
  return {
    chat: async function* (maxTokens) {
      yield* deltas(await client.chat.completions.create(realRequest(maxTokens)));
    },
    async close() {
      await client.unload();
      worker.terminate();
    },
  };
}

async function viaRaw(o: RealOptions): Promise<Loaded> {
  const worker = new Worker(new URL("./workers/raw.ts", import.meta.url), { type: "module" });
  const events: RawEvent[] = [];
  let wake: (() => void) | null = null;
  worker.onmessage = ({ data }: MessageEvent<RawEvent>) => {
    events.push(data);
    wake?.();
  };
  const next = async (): Promise<RawEvent> => {
    while (events.length === 0) await new Promise<void>((r) => (wake = r));
    const e = events.shift()!;
    if (e.type === "error") throw new Error(`raw MLCEngine: ${e.message}`);
    return e;
  };
  const send = (c: RawCommand): void => worker.postMessage(c);
  send({ type: "load", options: o });
  await next();
  return {
    async *chat(maxTokens) {
      send({ type: "chat", maxTokens });
      for (let e = await next(); e.type === "delta"; e = await next()) yield e.content;
    },
    async close() {
      worker.terminate();
    },
  };
}

const OPEN: Record<RealScenario, (o: RealOptions) => Promise<Loaded>> = { pagellm: viaPagellm, raw: viaRaw, webllm: viaWebLLM };

async function run(scenario: RealScenario, o: RealOptions): Promise<RealRun> {
  const open = OPEN[scenario];
  let t0 = performance.now();
  let loaded = await open(o);
  const readyColdMs = performance.now() - t0;
  await loaded.close();
  t0 = performance.now();
  loaded = await open(o);
  const readyCachedMs = performance.now() - t0;
  const times: number[] = [];
  let text = "";
  t0 = performance.now();
  for await (const delta of loaded.chat(o.maxTokens)) {
    times.push(performance.now());
    text += delta;
  }
  await loaded.close();
  const first = times[0] ?? Number.NaN;
  const last = times.at(-1) ?? Number.NaN;
  return {
    scenario,
    readyColdMs,
    readyCachedMs,
    ttftMs: first - t0,
    tokens: times.length,
    decodeTokensPerS: times.length > 1 ? ((times.length - 1) * 1000) / (last - first) : Number.NaN,
    text,
  };
}

window.real = { run };
