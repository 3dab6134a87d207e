import type { ChatCompletionTool } from "../openai/chat.js";
import type { ParsedCall, ToolFormat } from "./format.js";
import { blockProgress, type CallProgress } from "./call-progress.js";
import { findOpener, isBracket } from "./json-calls.js";
import { INCOMPLETE, INVALID, valueEnd } from "./json-scan.js";

/** What the scanner reports as raw output arrives. */
export type CallEvent =
  | { type: "content"; text: string }
  | { type: "call-start"; index: number; name: string }
  | { type: "args"; index: number; text: string };

/** What `end()` reports: the last events, and every call with its arguments as streamed. */
export interface CallStreamEnd {
  events: CallEvent[];
  calls: ParsedCall[];
  /**
   * A call was streamed (trusted mode) whose text then did not end as a well-formed call, as
   * when `max_tokens` cuts a constrained call short: its arguments are incomplete.
   */
  incomplete: boolean;
}

/** How the scanner treats calls. */
export interface CallStreamOptions {
  /**
   * True when the output is grammar-constrained, so every call is well-formed: a call starts as
   * soon as its name is known and its arguments stream as they arrive. False holds each call
   * until its block parses, then emits its start and its arguments at once.
   */
  trusted: boolean;
  /** The request's tools, which type Qwen3.5's XML parameters. */
  tools?: readonly ChatCompletionTool[];
}

const isWs = (c: string | undefined): boolean => c !== undefined && /\s/.test(c);

/**
 * Splits a model's raw output, as it streams, into content and tool calls in the format's own
 * syntax. Pure: it only sees the text pushed into it.
 *
 * - Content is the text before the first opener. The end of each piece is held back while it
 *   could be the start of an opener, so no marker reaches content even when split across pushes.
 *   Whitespace next to a call is formatting and is not content; text that is only whitespace and
 *   has no call beside it is content.
 * - A malformed call block (one `parse` rejects) becomes content, with everything after it:
 *   never a guessed call. Calls already emitted before it stand.
 * - Text after a call is content, and the scan for openers goes on in it. OpenAI's message
 *   carries `content` beside `tool_calls`, so nothing the model wrote is lost; a model that
 *   answers, calls and then writes more is shown as it was.
 * - Arguments are JSON text. Untrusted, each call's arguments arrive once, as `parse` gives them
 *   (`JSON.stringify` of the object, or the model's own string when it wrote a JSON string).
 *   Trusted, fragments of the canonical text (`canonPrefix`) arrive as the model writes them.
 */
export class CallStream {
  private buf = "";
  private mode: "content" | "block" | "text" = "content";
  private opener = "";
  private atStart = true;
  private afterCall = false;
  private readonly calls: ParsedCall[] = [];
  private live: { sent: string }[] = [];
  private incomplete = false;
  private readonly sepMark: string;

  constructor(
    private readonly format: ToolFormat,
    private readonly options: CallStreamOptions,
  ) {
    this.sepMark = format.syntax.begin === "" ? format.syntax.separator.trim() : "";
  }

  /** Feeds raw output; returns what can be told already. */
  push(text: string): CallEvent[] {
    this.buf += text;
    return this.run(false);
  }

  /** The output is complete: releases what was held. */
  end(): CallStreamEnd {
    const events = this.run(true);
    return { events, calls: this.calls.map((c) => ({ ...c })), incomplete: this.incomplete };
  }

  private run(final: boolean): CallEvent[] {
    const ev: CallEvent[] = [];
    for (;;) {
      if (this.mode === "text") {
        if (this.buf) this.content(ev, this.buf);
        this.buf = "";
        return ev;
      }
      if (this.mode === "block") {
        if (!this.advance(final, ev)) return ev;
        continue;
      }
      const hit = this.nextOpener();
      // "[" (Mistral's bare list) may be the start of "[TOOL_CALLS]": wait until it is told apart.
      if (hit && !final && this.undecided(hit)) return ev;
      if (hit) {
        let before = this.buf.slice(0, hit.index).trimEnd();
        if (this.afterCall) before = before.trimStart();
        if (before) this.content(ev, before);
        this.buf = this.buf.slice(hit.start);
        this.opener = hit.opener;
        this.mode = "block";
        this.live = [];
        continue;
      }
      const keep = final ? 0 : this.holdLength();
      let out = this.buf.slice(0, this.buf.length - keep);
      this.buf = this.buf.slice(this.buf.length - keep);
      if (this.afterCall) out = out.trimStart();
      if (final && this.calls.length > 0) out = out.trimEnd();
      if (out) this.content(ev, out);
      return ev;
    }
  }

  private content(ev: CallEvent[], text: string): void {
    ev.push({ type: "content", text });
    this.atStart = false;
    this.afterCall = false;
  }

  /** Whether a longer opener could still begin where `hit` does, once more text arrives. */
  private undecided(hit: { index: number; opener: string }): boolean {
    const rest = this.buf.slice(hit.index);
    return this.format.openers.some((o) => o.length > hit.opener.length && o.length > rest.length && o.startsWith(rest));
  }

  /** The next block's opener, and where the block starts (past a separator, for Llama's `; `). */
  private nextOpener(): { index: number; start: number; opener: string } | null {
    if (this.afterCall && this.sepMark) {
      const k = this.buf.search(/\S/);
      if (k >= 0 && this.buf.startsWith(this.sepMark, k)) {
        let j = k + this.sepMark.length;
        while (isWs(this.buf[j])) j++;
        if (this.buf[j] === "{") return { index: k, start: j, opener: "{" };
      }
    }
    const hit = findOpener(this.buf, this.format, this.atStart);
    return hit ? { index: hit.index, start: hit.index, opener: hit.opener } : null;
  }

  /** How much of the buffer's end to hold: a possible opener's start, and whitespace before it. */
  private holdLength(): number {
    const b = this.buf;
    if (this.afterCall && this.sepMark) {
      const t = b.trimStart();
      if (this.sepMark.startsWith(t) || (t.startsWith(this.sepMark) && t.slice(this.sepMark.length).trim() === "")) return b.length;
    }
    let hold = 0;
    for (const o of this.format.openers) {
      if (this.format.leadingOpeners.includes(o)) continue;
      for (let n = Math.min(o.length - 1, b.length); n > hold; n--) {
        if (b.endsWith(o.slice(0, n))) {
          hold = n;
          break;
        }
      }
    }
    let k = b.length - hold;
    while (k > 0 && isWs(b[k - 1])) k--;
    return b.length - k;
  }

  /** Moves the current block on; true when it is finished (as calls or as content). */
  private advance(final: boolean, ev: CallEvent[]): boolean {
    const extent = this.blockEnd(final);
    if (this.options.trusted) this.stream(ev, this.buf.slice(0, extent > 0 ? extent : this.buf.length));
    if (extent === INCOMPLETE && !final) return false;
    const calls = extent > 0 ? this.format.parse(this.buf.slice(0, extent), this.options.tools) : null;
    if (calls === null) return this.fail(extent);
    this.live.forEach((l, k) => {
      const call = this.calls[this.calls.length - this.live.length + k];
      if (call && l.sent === "" && calls[k]) this.args(ev, this.calls.length - this.live.length + k, calls[k].arguments);
    });
    if (calls.length < this.live.length) this.incomplete = true;
    for (const c of calls.slice(this.live.length)) {
      this.start(ev, c.name);
      this.args(ev, this.calls.length - 1, c.arguments);
    }
    this.buf = this.buf.slice(extent);
    this.mode = "content";
    this.afterCall = true;
    this.atStart = false;
    return true;
  }

  /**
   * A malformed block: content from here on. A block whose calls were already streamed (trusted
   * mode) is not repeated as content; the calls are reported incomplete instead.
   */
  private fail(extent: number): boolean {
    if (this.live.length > 0) {
      this.incomplete = true;
      this.buf = extent > 0 ? this.buf.slice(extent) : "";
    }
    this.mode = "text";
    return true;
  }

  /** Where the current block ends in the buffer, `INCOMPLETE`, or `INVALID`. */
  private blockEnd(final: boolean): number {
    const { syntax } = this.format;
    const b = this.buf;
    const body = syntax.body ?? "json";
    if (body === "xml") {
      const close = b.indexOf("</tool_call>");
      if (close >= 0) return close + "</tool_call>".length;
      return final && b.includes("</function>") ? b.length : final ? INVALID : INCOMPLETE;
    }
    let from = isBracket(this.opener) ? 0 : this.opener.length;
    if (body === "name-json") {
      const marker = b.indexOf(syntax.argsMarker ?? "", from);
      if (marker < 0) return !final && !/\s/.test(b.slice(from)) && b.length - from < 200 ? INCOMPLETE : INVALID;
      from = marker + (syntax.argsMarker ?? "").length;
    }
    const vEnd = valueEnd(b, from);
    if (vEnd === INVALID || (vEnd === INCOMPLETE && final)) return INVALID;
    if (vEnd === INCOMPLETE) return INCOMPLETE;
    const endMark = syntax.end.trim();
    if (!endMark || body !== "json") return vEnd;
    const close = b.indexOf(endMark, vEnd);
    if (close >= 0) return close + endMark.length;
    return final ? vEnd : INCOMPLETE;
  }

  /** Trusted streaming: starts calls whose names are known and sends new argument text. */
  private stream(ev: CallEvent[], text: string): void {
    const from = isBracket(this.opener) ? 0 : this.opener.length;
    const progress: CallProgress[] = blockProgress(text, from, this.opener, this.format.syntax, this.options.tools);
    for (const [k, p] of progress.entries()) {
      if (!this.live[k]) {
        if (p.name === null || p.name === "") return;
        this.start(ev, p.name);
        this.live[k] = { sent: "" };
      }
      const l = this.live[k];
      if (l && p.args !== null && p.args.length > l.sent.length) {
        const delta = p.args.slice(l.sent.length);
        l.sent = p.args;
        this.args(ev, this.calls.length - this.live.length + k, delta);
      }
    }
  }

  private start(ev: CallEvent[], name: string): void {
    this.calls.push({ name, arguments: "" });
    ev.push({ type: "call-start", index: this.calls.length - 1, name });
    this.atStart = false;
  }

  private args(ev: CallEvent[], index: number, text: string): void {
    const call = this.calls[index];
    if (!call || text === "") return;
    call.arguments += text;
    ev.push({ type: "args", index, text });
  }
}

/**
 * The whole of a finished reply, through the same scanner as a stream, so that streamed and
 * non-streamed replies agree: the content (empty when there is none) and the calls.
 */
export function collect(format: ToolFormat, raw: string, options: CallStreamOptions): { content: string; calls: ParsedCall[]; incomplete: boolean } {
  const s = new CallStream(format, options);
  const events = [...s.push(raw)];
  const done = s.end();
  events.push(...done.events);
  const content = events.map((e) => (e.type === "content" ? e.text : "")).join("");
  return { content, calls: done.calls, incomplete: done.incomplete };
}
