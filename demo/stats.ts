/**
 * Per-message numbers, each with its plain meaning: time to first token, decode speed, the
 * usage the engine reported, and why the reply ended.
 */
import type { CompletionUsage, FinishReason } from "../src/index.js";
import { h } from "./dom.js";

/** What one reply measured. */
export interface MessageStats {
  /** From the `create` call to the first content token, in ms. */
  ttftMs: number | null;
  /** Tokens after the first, over the time after the first: decode speed without prefill. */
  tokensPerSecond: number | null;
  /** True when tokens were counted from chunks because usage never came (a stopped reply). */
  estimated: boolean;
  usage: CompletionUsage | null;
  /** `finish_reason`, or `stopped` when the person pressed Stop. */
  finish: FinishReason | "stopped" | null;
  /** Wall time of the whole request, in ms. */
  totalMs: number | null;
}

/** Measures one streamed reply. Call `content` per content chunk, then `end`. */
export class StatsMeter {
  private readonly started = performance.now();
  private first: number | null = null;
  private last: number | null = null;
  private chunks = 0;
  private usage: CompletionUsage | null = null;
  private finish: MessageStats["finish"] = null;
  private ended: number | null = null;

  content(): void {
    const now = performance.now();
    this.first ??= now;
    this.last = now;
    this.chunks++;
  }

  setUsage(usage: CompletionUsage): void {
    this.usage = usage;
  }

  setFinish(finish: MessageStats["finish"]): void {
    this.finish = finish;
  }

  end(): void {
    this.ended = performance.now();
  }

  /** The numbers so far; called every frame while streaming, and once at the end. */
  snapshot(): MessageStats {
    const tokens = this.usage?.completion_tokens ?? this.chunks;
    const span = this.first !== null && this.last !== null ? this.last - this.first : 0;
    return {
      ttftMs: this.first !== null ? this.first - this.started : null,
      tokensPerSecond: tokens > 1 && span > 0 ? ((tokens - 1) * 1000) / span : null,
      estimated: this.usage === null,
      usage: this.usage,
      finish: this.finish,
      totalMs: this.ended !== null ? this.ended - this.started : null,
    };
  }
}

const FINISH_HELP: Record<string, string> = {
  stop: "The model finished, or hit a stop sequence.",
  length: "The reply hit max_tokens, or the context window is full.",
  content_filter: "The page's moderation hook stopped the reply.",
  tool_calls: "The model called a tool.",
  stopped: "You pressed Stop. The partial reply stays in the conversation.",
};

/** The stats line under a reply. Every number has a label and a tooltip that says what it is. */
export function renderStats(s: MessageStats, streaming: boolean): HTMLElement {
  const stat = (key: string, label: string, value: string, title: string, extra = ""): HTMLElement =>
    h("span", { class: `stat ${extra}`.trim(), "data-stat": key, title }, h("span", { class: "stat-label" }, label), " ", h("span", { class: "stat-value" }, value));
  const out = h("div", { class: "stats", "aria-label": "Message statistics" });
  if (s.ttftMs !== null) out.append(stat("ttft", "TTFT", `${Math.round(s.ttftMs)} ms`, "Time to first token: from sending to the first word of the reply."));
  if (s.tokensPerSecond !== null) {
    out.append(stat("speed", "decode", `${s.estimated ? "~" : ""}${s.tokensPerSecond.toFixed(1)} tok/s`, "Decode speed: tokens per second after the first token."));
  }
  if (s.usage) {
    const cached = s.usage.prompt_tokens_details?.cached_tokens;
    out.append(stat("prompt", "prompt", String(s.usage.prompt_tokens), "usage.prompt_tokens: the whole prompt, as OpenAI counts it."));
    if (cached !== undefined) out.append(stat("cached", "cached", String(cached), "usage.prompt_tokens_details.cached_tokens: prompt tokens reused from the KV cache."));
    out.append(stat("completion", "completion", String(s.usage.completion_tokens), "usage.completion_tokens: tokens in this reply."));
  } else if (!streaming && s.finish === "stopped") {
    out.append(stat("usage", "usage", "not reported", "A stopped reply has no usage: the engine was cancelled before it could count."));
  }
  if (s.finish) {
    const tone = s.finish === "stop" ? "" : s.finish === "length" || s.finish === "stopped" ? "stat-warn" : "stat-alert";
    out.append(stat("finish", s.finish === "stopped" ? "" : "finish_reason", s.finish, FINISH_HELP[s.finish] ?? "", tone));
  } else if (streaming) {
    out.append(h("span", { class: "stat stat-live", "data-stat": "live" }, h("span", { class: "dot" }), "streaming"));
  }
  return out;
}
