// A tab of the multi-tab harness: one engine shared by every tab through `sharedWorker`, driven
// by Playwright through `window.tabs`. The fake's options come in the query string, so every tab
// opens the same worker.
import { createEngine, sharedWorker, type Engine, type EngineStatus } from "../../../src/index.js";

const name = new URLSearchParams(location.search).get("worker") ?? "{}";

interface StreamState {
  text: string;
  chunks: number;
  done: boolean;
  error: { name: string; code: string | null; message: string } | null;
  controller: AbortController;
}

let engine: Engine | null = null;
const streams = new Map<string, StreamState>();
const statuses: EngineStatus[] = [];

const errorOf = (e: unknown) => {
  const err = e as { name?: string; code?: string | null; message?: string };
  return { name: err.name ?? "Error", code: err.code ?? null, message: err.message ?? String(e) };
};

const tabs = {
  hasSharedWorker: () => typeof SharedWorker !== "undefined",

  async start(): Promise<void> {
    engine = await createEngine({
      worker: sharedWorker({
        // Written out in full, twice: vite bundles a worker only for `new Worker(new URL(...))`.
        shared: () => new SharedWorker(new URL("./worker.ts", import.meta.url), { type: "module", name }),
        dedicated: () => new Worker(new URL("./worker.ts", import.meta.url), { type: "module", name }),
        name: "e2e-tabs",
      }),
    });
    engine.addEventListener("status", (e) => statuses.push(e.status));
  },

  async ask(content: string, extra: Record<string, unknown> = {}): Promise<{ text: string } | { error: ReturnType<typeof errorOf> }> {
    try {
      const r = await engine!.chat.completions.create({ model: "fake-1", messages: [{ role: "user", content }], ...extra });
      return { text: r.choices[0]?.message.content ?? "" };
    } catch (e) {
      return { error: errorOf(e) };
    }
  },

  /** Starts a stream in the background; read it with `stream(id)`. */
  open(id: string, content: string, extra: Record<string, unknown> = {}): void {
    const state: StreamState = { text: "", chunks: 0, done: false, error: null, controller: new AbortController() };
    streams.set(id, state);
    void (async () => {
      try {
        const s = await engine!.chat.completions.create({ model: "fake-1", messages: [{ role: "user", content }], stream: true, ...extra }, { signal: state.controller.signal });
        for await (const c of s) {
          state.chunks++;
          state.text += c.choices[0]?.delta.content ?? "";
        }
      } catch (e) {
        state.error = errorOf(e);
      } finally {
        state.done = true;
      }
    })();
  },

  stream(id: string): Omit<StreamState, "controller"> | null {
    const s = streams.get(id);
    return s ? { text: s.text, chunks: s.chunks, done: s.done, error: s.error } : null;
  },

  abort(id: string): void {
    streams.get(id)?.controller.abort();
  },

  stats: () => engine!.stats(),
  status: () => engine!.status,
  statuses: () => statuses,
};

declare global {
  interface Window {
    tabs: typeof tabs;
  }
}
window.tabs = tabs;
