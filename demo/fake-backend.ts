/**
 * The demo's test backend: pagellm's `fakeBackend`, set up so the e2e test can drive every part
 * of the demo with no GPU and no weights. It is reachable only through the build-time switch
 * `VITE_PAGELLM_FAKE=1`; a normal build replaces the switch with `false` and drops this module.
 *
 * Around the fake it adds what a demo needs and the fake does not do:
 * - realistic model records (ids, VRAM, features) so the picker and the fit marks are real;
 * - download sizes in the progress reports, so MB, speed and time left read like a real load;
 * - one self-hosted model whose first download fails with a `ModelLoadError`, as a missing
 *   shard would, so the error card and Retry have a real path;
 * - a pace of 45 tokens/s, so a person (or a screenshot) sees the reply stream in; a message
 *   starting with `/long` gets a 2,000-token reply at full speed, for the main-thread test.
 */
import { ModelLoadError } from "../src/index.js";
import { fakeBackend, tokenize, type FakeModel, type FakeRequest } from "../src/testing.js";
import type { Backend, GenerateEvent, GenerateRequest, LoadContext } from "../src/worker.js";
import { estimateDownloadBytes } from "../src/backends/webllm/size-estimate.js";

/** The model whose first download fails: a self-hosted record with a missing shard. */
export const FLAKY_MODEL = "SmolLM2-360M-Instruct-q4f32_1-MLC";
const FLAKY_URL = `https://models.example.com/${FLAKY_MODEL}/resolve/main/params_shard_2.bin`;

/** The demo's catalog, each with the download size WebLLM's backend would estimate for it. */
const MODELS: FakeModel[] = [
  { id: "Llama-3.2-1B-Instruct-q4f32_1-MLC", owned_by: "mlc-ai", vram_required_mb: 1128.82, context_window: 4096, requires: [], tools: true },
  { id: "Qwen2.5-0.5B-Instruct-q4f16_1-MLC", owned_by: "mlc-ai", vram_required_mb: 944.62, context_window: 4096, requires: ["shader-f16"], tools: true },
  { id: "Qwen2.5-0.5B-Instruct-q4f32_1-MLC", owned_by: "mlc-ai", vram_required_mb: 1060.2, context_window: 4096, requires: [], tools: true },
  { id: FLAKY_MODEL, owned_by: "self-hosted", vram_required_mb: 579.61, context_window: 4096, requires: [], tools: false },
].map((m) => ({ ...m, download_size_bytes: estimateDownloadBytes(m.id), download_size_estimated: true }));

const TOKENS_PER_SECOND = 45;
const LOAD_MS = 1500;
export const LONG_TOKENS = 2000;

const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });

function lastUser(req: FakeRequest): string {
  const m = [...req.messages].reverse().find((x) => x.role === "user");
  const c = m?.content;
  return typeof c === "string" ? c : Array.isArray(c) ? c.map((p) => ("text" in p ? p.text : "")).join("") : "";
}

function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Replies that show what the Markdown renderer does, and say plainly that they are fake. */
const REPLIES: ((q: string) => string)[] = [
  (q) =>
    `This is the **test backend** answering “${q}”. A real model would run on your GPU; this one only proves the plumbing.\n\n` +
    "Here is what happened to your message:\n\n" +
    "1. The page called `engine.chat.completions.create()` with the whole conversation.\n" +
    "2. A Web Worker validated the request and queued it.\n" +
    "3. The backend streamed tokens back over a `MessagePort`, a few at a time.\n\n" +
    "Nothing left this device.",
  (q) =>
    `You asked: “${q}”. The **test backend** cannot think, but it can show formatting:\n\n` +
    "| Setting | Effect |\n|---|---|\n| `temperature` | randomness |\n| `max_tokens` | length cap |\n| `stop` | ends the reply early |\n\n" +
    "```ts\nconst stream = await engine.chat.completions.create({ model, messages, stream: true });\nfor await (const chunk of stream) render(chunk);\n```\n\n" +
    "Try changing a setting and sending again.",
  (q) =>
    `Hello from the **test backend**. Your message was “${q}”.\n\n` +
    "> A local model keeps every prompt private, works offline once cached, and costs nothing per token.\n\n" +
    "- Replies stream token by token.\n- *Stop* cancels generation in the worker.\n- *Regenerate* samples again from the same history.",
];

/** A reply of exactly `LONG_TOKENS` tokens in the fake's tokenizer, with every kind of block. */
function longReply(): string {
  const section = (i: number): string =>
    `## Section ${i}\n\n` +
    `Paragraph ${i} talks about local models, **streaming**, and the *main thread*, with \`inline code\` and a [link](https://example.com/${i}).\n\n` +
    `- point one of section ${i}\n- point two, a little longer than the first\n- point three\n\n` +
    "```js\n" + `for (let n = 0; n < ${i}; n++) console.log("line", n);\n` + "```\n\n";
  let text = "# A long reply\n\nThis reply is long on purpose: it checks that the page stays responsive while many tokens stream in.\n\n";
  for (let i = 1; tokenize(text + section(i)).length < LONG_TOKENS - 40; i++) text += section(i);
  // Pad the last paragraph one word (one token) at a time, so the count is exact and it ends cleanly.
  const words = ["and", "that", "is", "the", "end", "of", "a", "long", "and", "steady", "reply"];
  text += "That";
  for (let k = 0; tokenize(text).length < LONG_TOKENS - 1; k++) text += ` ${words[k % words.length]}`;
  return `${text}.`;
}

/** An attempt at script injection, which the renderer must show as text. */
const HOSTILE =
  'Here is some HTML: <img src=x onerror="window.__pwned=1"> and <script>window.__pwned=1</script>.\n\n' +
  "[a javascript: link](javascript:window.__pwned=1) and ![a tracking pixel](https://tracker.example.com/p.gif)";

function reply(req: FakeRequest): string {
  const q = lastUser(req).trim();
  if (q.startsWith("/long")) return longReply();
  if (q.startsWith("/xss")) return HOSTILE;
  if (req.response_format?.type === "json_object") {
    return JSON.stringify({ backend: "pagellm test backend", message: q, words: q.split(/\s+/).filter(Boolean).length });
  }
  // The seed picks the reply, so the same seed gives the same reply; temperature 0 is greedy.
  const seed = req.seed ?? (req.temperature === 0 ? hash(JSON.stringify(req.messages)) : Math.floor(Math.random() * 2 ** 31));
  const pick = REPLIES[seed % REPLIES.length] ?? REPLIES[0];
  return pick ? pick(q.length > 80 ? `${q.slice(0, 77)}…` : q) : "";
}

/** The demo's fake backend. */
export function demoFakeBackend(): Backend {
  const inner = fakeBackend({ models: MODELS, loadMs: LOAD_MS, reply });
  let flakyFailed = false;

  return {
    capabilities: inner.capabilities,
    listModels: () => inner.listModels(),
    unload: () => inner.unload(),

    async load(model: string, ctx: LoadContext): Promise<void> {
      const size = estimateDownloadBytes(model) ?? 100_000_000;
      const onProgress: LoadContext["onProgress"] = (p) =>
        ctx.onProgress(p.phase === "fetch-weights" ? { ...p, total_bytes: size, loaded_bytes: Math.round(p.progress * size) } : p);
      if (model === FLAKY_MODEL && !flakyFailed) {
        flakyFailed = true;
        const started = Date.now();
        for (let i = 0; i <= 4 && !ctx.signal.aborted; i++) {
          onProgress({ model, phase: "fetch-weights", progress: i / 10, text: `Fetching weights ${i * 10}%`, elapsed_ms: Date.now() - started });
          await sleep(LOAD_MS / 10, ctx.signal);
        }
        if (ctx.signal.aborted) return;
        throw new ModelLoadError(
          `Could not download the weight shard params_shard_2.bin of model "${model}" from ${FLAKY_URL}: the request failed without an HTTP answer: ` +
            "the browser is offline, the host is unreachable, or it does not allow cross-origin requests (CORS).",
          FLAKY_URL,
          0,
        );
      }
      return inner.load(model, { signal: ctx.signal, onProgress });
    },

    async *generate(req: GenerateRequest, signal: AbortSignal): AsyncGenerator<GenerateEvent> {
      const delay = lastUser({ ...req, messages: req.conversation, prompt: req.messages }).trim().startsWith("/long") ? 0 : 1000 / TOKENS_PER_SECOND;
      for await (const ev of inner.generate(req, signal)) {
        if (delay && ev.type === "delta") await sleep(delay, signal);
        yield ev;
      }
    },
  };
}
