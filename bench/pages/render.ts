import { createEngine } from "../../src/index.js";
import { streamRequest, type RenderApi, type RenderResult } from "./api.js";

/**
 * A chat UI in miniature, for the main-thread check: a transcript of message bubbles that
 * follows the reply as it streams. It renders the way a typical chat UI does, with no batching:
 * on every chunk it sets the bubble's whole text (as a framework re-render of `content` would)
 * and scrolls to the bottom, which reads `scrollHeight` and so forces a layout per chunk. That is
 * the pessimistic case for the main thread; a UI that batches per animation frame does less.
 *
 * Stand-in until the demo (demo/) can be driven the same way: see `bench/longtasks.ts`.
 */
const transcript = document.querySelector<HTMLElement>("#transcript");
if (!transcript) throw new Error("render.html has no #transcript");

const engine = createEngine({ worker: new Worker(new URL("../workers/pagellm.ts", import.meta.url), { type: "module", name: "synthetic" }) });

function bubble(role: "user" | "assistant", text: string): HTMLElement {
  const el = document.createElement("div");
  el.className = `msg ${role}`;
  el.textContent = text;
  transcript?.append(el);
  return el;
}

const nextFrame = (): Promise<void> => new Promise((resolve) => requestAnimationFrame(() => resolve()));

/** Entries of `type` that start at or after `t0`, as durations in ms. */
function observe(type: string): { stop(t0: number): number[] } {
  const seen: PerformanceEntry[] = [];
  const observer = new PerformanceObserver((list) => seen.push(...list.getEntries()));
  const supported = PerformanceObserver.supportedEntryTypes.includes(type);
  if (supported) observer.observe({ type, buffered: true });
  return {
    stop(t0) {
      if (!supported) return [];
      seen.push(...observer.takeRecords());
      observer.disconnect();
      return seen.filter((e) => e.startTime >= t0).map((e) => e.duration);
    },
  };
}

async function render(tokens: number): Promise<RenderResult> {
  const e = await engine;
  transcript?.replaceChildren();
  await nextFrame();
  const longTasks = observe("longtask");
  const longFrames = observe("long-animation-frame");
  const t0 = performance.now();
  bubble("user", "Write something.");
  const reply = bubble("assistant", "");
  let content = "";
  let chunks = 0;
  for await (const chunk of await e.chat.completions.create(streamRequest(tokens))) {
    chunks++;
    content += chunk.choices[0]?.delta.content ?? "";
    reply.textContent = content;
    if (transcript) transcript.scrollTop = transcript.scrollHeight;
  }
  const ms = performance.now() - t0;
  // Let the last frames lay out and paint, so that their work is counted too.
  await nextFrame();
  await nextFrame();
  return { longTasks: longTasks.stop(t0), longFrames: longFrames.stop(t0), chunks, ms };
}

const api: RenderApi = { ready: engine.then(() => undefined), render };
window.chat = api;
