import type {
  Response,
  ResponseFunctionToolCall,
  ResponseOutputMessage,
  ResponseReasoningItem,
  ResponseStreamEvent,
  ResponseUsage,
} from "../../openai/responses.js";
import { newId, unixSeconds } from "../../runtime/ids.js";
import type { Piece } from "./think.js";

/** An event as the writer builds it, before it gets its sequence number. */
type Unnumbered = ResponseStreamEvent extends infer E ? (E extends ResponseStreamEvent ? Omit<E, "sequence_number"> : never) : never;

/** How generation ended, in the Responses API's terms. */
export interface Ending {
  status: "completed" | "incomplete";
  reason?: "max_output_tokens" | "content_filter";
  usage: ResponseUsage;
}

/** The output item being streamed: a message or reasoning item (with its one content part), or a function call. */
type Open =
  | { kind: Piece["kind"]; index: number; item: ResponseOutputMessage | ResponseReasoningItem; text: string }
  | { kind: "call"; index: number; item: ResponseFunctionToolCall & { id: string }; text: string };

const copy = <T>(v: T): T => structuredClone(v);

/**
 * Builds a response's stream events in OpenAI's order, numbered from 0, and keeps the response
 * they describe. One output item is open at a time: text of the other kind, or a function call,
 * closes it. Every event carries a copy of what it shows, never the live snapshot: the call port
 * sends a task's events together, after later events have changed the snapshot.
 */
export class ResponseWriter {
  private seq = 0;
  private open: Open | null = null;

  constructor(readonly response: Response) {}

  /** Whether any event has been made: then the stream has begun, and an error ends it with `response.failed`. */
  get started(): boolean {
    return this.seq > 0;
  }

  private ev(e: Unnumbered): ResponseStreamEvent {
    return { ...e, sequence_number: this.seq++ } as ResponseStreamEvent;
  }

  private add(open: Open): ResponseStreamEvent {
    this.response.output.push(open.item);
    this.open = open;
    return this.ev({ type: "response.output_item.added", output_index: open.index, item: copy(open.item) });
  }

  /** `response.created` and `response.in_progress`. */
  start(): ResponseStreamEvent[] {
    return [this.ev({ type: "response.created", response: copy(this.response) }), this.ev({ type: "response.in_progress", response: copy(this.response) })];
  }

  /** Output text, split into thinking and answer: each kind streams in an item of its own. */
  text(pieces: Piece[]): ResponseStreamEvent[] {
    const out: ResponseStreamEvent[] = [];
    for (const { kind, text } of pieces) {
      if (this.open?.kind !== kind) out.push(...this.close("completed"), ...this.begin(kind));
      const open = this.open as Open;
      open.text += text;
      const at = { item_id: open.item.id, output_index: open.index, content_index: 0, delta: text };
      out.push(this.ev(kind === "text" ? { type: "response.output_text.delta", ...at, logprobs: [] } : { type: "response.reasoning_text.delta", ...at }));
    }
    return out;
  }

  private begin(kind: Piece["kind"]): ResponseStreamEvent[] {
    const index = this.response.output.length;
    if (kind === "text") {
      const item: ResponseOutputMessage = { id: newId("msg_"), type: "message", status: "in_progress", content: [], role: "assistant" };
      const part = { type: "output_text" as const, annotations: [], logprobs: [], text: "" };
      return [this.add({ kind, index, item, text: "" }), this.ev({ type: "response.content_part.added", item_id: item.id, output_index: index, content_index: 0, part })];
    }
    const item: ResponseReasoningItem = { id: newId("rs_"), type: "reasoning", summary: [], content: [], status: "in_progress" };
    const part = { type: "reasoning_text" as const, text: "" };
    return [this.add({ kind, index, item, text: "" }), this.ev({ type: "response.content_part.added", item_id: item.id, output_index: index, content_index: 0, part })];
  }

  /** A function call begins (`fc_…`); its arguments follow through `callArguments`. */
  callStart(callId: string, name: string): ResponseStreamEvent[] {
    const out = this.close("completed");
    const item = { id: newId("fc_"), type: "function_call" as const, status: "in_progress" as const, arguments: "", call_id: callId, name };
    out.push(this.add({ kind: "call", index: this.response.output.length, item, text: "" }));
    return out;
  }

  /** More of the open function call's arguments. */
  callArguments(delta: string): ResponseStreamEvent[] {
    const open = this.open;
    if (open?.kind !== "call" || delta === "") return [];
    open.text += delta;
    return [this.ev({ type: "response.function_call_arguments.delta", item_id: open.item.id, output_index: open.index, delta })];
  }

  /** Ends the open item, if any, with `status`. */
  close(status: "completed" | "incomplete"): ResponseStreamEvent[] {
    const open = this.open;
    if (!open) return [];
    this.open = null;
    const { index, text } = open;
    const at = { item_id: open.item.id, output_index: index, content_index: 0 };
    const out: ResponseStreamEvent[] = [];
    if (open.kind === "call") {
      open.item.arguments = text;
      out.push(this.ev({ type: "response.function_call_arguments.done", item_id: open.item.id, output_index: index, name: open.item.name, arguments: text }));
    } else if (open.item.type === "message") {
      const part = { type: "output_text" as const, annotations: [], logprobs: [], text };
      open.item.content = [part];
      out.push(this.ev({ type: "response.output_text.done", ...at, text, logprobs: [] }), this.ev({ type: "response.content_part.done", ...at, part: copy(part) }));
      this.response.output_text += text;
    } else {
      const part = { type: "reasoning_text" as const, text };
      open.item.content = [part];
      out.push(this.ev({ type: "response.reasoning_text.done", ...at, text }), this.ev({ type: "response.content_part.done", ...at, part: copy(part) }));
    }
    open.item.status = status;
    out.push(this.ev({ type: "response.output_item.done", output_index: index, item: copy(open.item) }));
    return out;
  }

  /** Closes the output; the last event is `response.completed` or `response.incomplete`. */
  finish(end: Ending): ResponseStreamEvent[] {
    const out = this.close(end.status);
    const r = this.response;
    r.status = end.status;
    r.usage = end.usage;
    if (end.status === "completed") r.completed_at = unixSeconds();
    else r.incomplete_details = { reason: end.reason ?? "max_output_tokens" };
    out.push(this.ev({ type: end.status === "completed" ? "response.completed" : "response.incomplete", response: copy(r) }));
    return out;
  }

  /** Closes the output of a response whose generation broke after it began; the last event is `response.failed`. */
  fail(message: string): ResponseStreamEvent[] {
    const out = this.close("incomplete");
    this.response.status = "failed";
    this.response.error = { code: "server_error", message };
    out.push(this.ev({ type: "response.failed", response: copy(this.response) }));
    return out;
  }

  /** Ends a response whose caller aborted it: what was written so far, `cancelled`. No event: nobody reads it. */
  cancel(): void {
    if (this.response.status !== "in_progress") return;
    this.close("incomplete");
    this.response.status = "cancelled";
  }
}
