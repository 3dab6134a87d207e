/**
 * The conversation: the transcript, the composer, and the request loop. Each send resends the
 * whole history (system prompt, then every turn), as OpenAI's multi-turn example does: the
 * model has no memory between calls, and the engine's KV cache makes the resent prefix cheap,
 * which the "cached" number under each reply shows.
 */
import { APIUserAbortError, type ChatCompletionCreateParamsStreaming, type Engine } from "../src/index.js";
import { h, icon, replace } from "./dom.js";
import { displayName } from "./models.js";
import { describeError, renderProblem, type Remedies } from "./errors.js";
import { MarkdownStream, renderInto } from "./markdown.js";
import { buildMessages, type Settings } from "./settings.js";
import { renderStats, StatsMeter, type MessageStats } from "./stats.js";

/** One message of the conversation. */
export interface Turn {
  role: "user" | "assistant";
  content: string;
  /** Assistant turns: the model that wrote it. */
  model?: string;
  /** Assistant turns: how it ended. */
  status?: "streaming" | "done" | "stopped";
  stats?: MessageStats;
  /** Assistant turns: the exact request that produced it. */
  request?: ChatCompletionCreateParamsStreaming;
}

export interface ChatDeps {
  engine(): Engine | null;
  /** The loaded model, or null when none is. */
  model(): string | null;
  settings: Settings;
  /** What an error card may offer (retry is added here). */
  remedies(): Remedies;
  /** Streaming started or stopped. */
  onBusy(busy: boolean): void;
}

const STORAGE_KEY = "pagellm-demo:chat";

/** Whether the turn was asked for in JSON mode, so its reply shows as JSON, not Markdown. */
const isJson = (turn: Turn): boolean => turn.request?.response_format?.type === "json_object";

/** One message on screen. */
class MessageView {
  readonly element: HTMLElement;
  readonly body: HTMLElement;
  private readonly stats: HTMLElement;
  private readonly actions: HTMLElement;

  constructor(readonly turn: Turn) {
    const assistant = turn.role === "assistant";
    this.body = h("div", { class: assistant ? "message-body markdown" : "message-body", "data-testid": "message-body" });
    this.stats = h("div", { class: "message-stats" });
    this.actions = h("div", { class: "message-actions" });
    this.element = h(
      "article",
      { class: `message message-${turn.role}`, "data-testid": `message-${turn.role}`, "aria-label": assistant ? "Assistant" : "You" },
      h("div", { class: "message-role" }, assistant ? h("span", { class: "avatar avatar-bot" }, icon("bolt")) : null, h("span", null, assistant ? (turn.model ?? "Assistant") : "You")),
      this.body,
      this.stats,
      this.actions,
    );
    if (assistant) {
      if (turn.status !== "streaming") renderInto(this.body, turn.content, isJson(turn));
    } else {
      this.body.textContent = turn.content;
    }
    if (turn.stats) this.setStats(turn.stats, false);
  }

  setStats(stats: MessageStats, streaming: boolean): void {
    replace(this.stats, renderStats(stats, streaming));
    this.element.classList.toggle("streaming", streaming);
    // Screen readers wait for the finished reply instead of reading every frame of it.
    this.element.setAttribute("aria-busy", String(streaming));
  }

  setActions(actions: Node[]): void {
    replace(this.actions, actions);
  }
}

export class Chat {
  readonly element: HTMLElement;
  private turns: Turn[] = [];
  private readonly views = new Map<Turn, MessageView>();
  private readonly transcript: HTMLElement;
  private readonly log: HTMLElement;
  private readonly emptySlot: HTMLElement;
  private readonly problemSlot: HTMLElement;
  private readonly input: HTMLTextAreaElement;
  private readonly sendButton: HTMLButtonElement;
  private readonly hint: HTMLElement;
  private controller: AbortController | null = null;
  private stick = true;

  constructor(private readonly deps: ChatDeps) {
    this.log = h("div", { class: "log", role: "log", "aria-live": "polite", "aria-relevant": "additions" });
    this.emptySlot = h("div", { class: "empty-slot" });
    this.problemSlot = h("div", { class: "problem-slot" });
    this.transcript = h("div", { class: "transcript", "data-testid": "transcript" }, h("div", { class: "transcript-inner" }, this.emptySlot, this.log, this.problemSlot));
    this.transcript.addEventListener("scroll", () => {
      const t = this.transcript;
      this.stick = t.scrollHeight - t.scrollTop - t.clientHeight < 80;
    }, { passive: true });

    this.input = h("textarea", {
      class: "composer-input",
      rows: 1,
      placeholder: "Load a model to start chatting",
      "aria-label": "Message",
      "data-testid": "composer",
      enterkeyhint: "send",
      oninput: () => this.autosize(),
      onkeydown: (e: KeyboardEvent) => this.onKey(e),
    });
    this.sendButton = h("button", { type: "submit", class: "send", "data-testid": "send", "aria-label": "Send" }, icon("send"));
    this.hint = h("div", { class: "composer-hint" }, h("kbd", null, "Enter"), " to send · ", h("kbd", null, "Shift"), "+", h("kbd", null, "Enter"), " for a new line");
    const composer = h(
      "form",
      {
        class: "composer",
        onsubmit: (e: Event) => {
          e.preventDefault();
          if (this.controller) this.stop();
          else this.submit();
        },
      },
      h("div", { class: "composer-box" }, this.input, this.sendButton),
      this.hint,
    );
    this.element = h("div", { class: "chat" }, this.transcript, composer);
    this.restore();
    this.refreshComposer();
  }

  /** Whether a reply is streaming. */
  get busy(): boolean {
    return this.controller !== null;
  }

  /** Whether the conversation has any message. */
  get isEmpty(): boolean {
    return this.turns.length === 0;
  }

  /** What to show when the conversation is empty. */
  setEmptyState(node: Node | null): void {
    replace(this.emptySlot, node);
    this.emptySlot.hidden = this.turns.length > 0;
  }

  /** Enables or disables the composer for the loaded model. */
  refreshComposer(): void {
    const model = this.deps.model();
    this.input.disabled = !model && !this.controller;
    this.input.placeholder = model ? `Message ${displayName(model)}` : "Load a model to start chatting";
    this.sendButton.disabled = !this.controller && !model;
    this.sendButton.classList.toggle("stop", this.controller !== null);
    this.sendButton.setAttribute("aria-label", this.controller ? "Stop" : "Send");
    this.sendButton.setAttribute("data-testid", this.controller ? "stop" : "send");
    replace(this.sendButton, icon(this.controller ? "stop" : "send"));
  }

  /** Moves focus to the message box. */
  focus(): void {
    this.input.focus();
  }

  /** Sends the text in the composer. */
  submit(): void {
    const text = this.input.value;
    if (text.trim() === "" || this.controller || !this.deps.model()) return;
    this.input.value = "";
    this.autosize();
    this.push({ role: "user", content: text });
    void this.generate();
  }

  /** Stops the reply that is streaming; what arrived stays in the conversation. */
  stop(): void {
    this.controller?.abort();
  }

  /** Starts over. */
  clear(): void {
    this.stop();
    this.turns = [];
    this.views.clear();
    this.log.replaceChildren();
    replace(this.problemSlot);
    this.emptySlot.hidden = false;
    this.save();
  }

  /** Writes the last reply again: the same history, a new sample. */
  regenerate(): void {
    const last = this.turns.at(-1);
    if (this.controller || !last || last.role !== "assistant" || !this.deps.model()) return;
    this.turns.pop();
    this.views.get(last)?.element.remove();
    this.views.delete(last);
    void this.generate();
  }

  private onKey(e: KeyboardEvent): void {
    // An IME composing a character uses Enter to commit it; that Enter is not a send.
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
      e.preventDefault();
      if (!this.controller) this.submit();
    } else if (e.key === "Escape" && this.controller) {
      e.preventDefault();
      this.stop();
    }
  }

  private autosize(): void {
    this.input.style.height = "auto";
    this.input.style.height = `${Math.min(this.input.scrollHeight, 200)}px`;
  }

  private push(turn: Turn): MessageView {
    this.turns.push(turn);
    const view = new MessageView(turn);
    this.views.set(turn, view);
    this.log.appendChild(view.element);
    this.emptySlot.hidden = true;
    replace(this.problemSlot);
    this.refreshActions();
    this.stick = true;
    this.scroll();
    return view;
  }

  private async generate(): Promise<void> {
    const engine = this.deps.engine();
    const model = this.deps.model();
    if (!engine || !model) return;
    const settings = this.deps.settings;
    const history = this.turns.filter((t) => t.content !== "").map((t) => ({ role: t.role, content: t.content }));
    const request = settings.params(model, buildMessages(settings.current.system, history));
    const turn: Turn = { role: "assistant", content: "", model, status: "streaming", request };
    const view = this.push(turn);
    const meter = new StatsMeter();
    const md = new MarkdownStream(
      view.body,
      () => {
        view.setStats(meter.snapshot(), true);
        this.scroll();
      },
      isJson(turn),
    );
    view.setStats(meter.snapshot(), true);
    const controller = new AbortController();
    this.controller = controller;
    this.deps.onBusy(true);
    this.refreshComposer();
    let failure: unknown = null;
    try {
      const stream = await engine.chat.completions.create(request, { signal: controller.signal });
      for await (const chunk of stream) {
        const choice = chunk.choices[0];
        const text = choice?.delta.content;
        if (text) {
          meter.content();
          md.append(text);
        }
        if (choice?.finish_reason) meter.setFinish(choice.finish_reason);
        if (chunk.usage) meter.setUsage(chunk.usage);
      }
      turn.status = "done";
    } catch (err) {
      if (err instanceof APIUserAbortError) {
        turn.status = "stopped";
        meter.setFinish("stopped");
      } else {
        failure = err;
      }
    }
    meter.end();
    this.controller = null;
    turn.content = md.value;
    if (failure !== null && turn.content === "") {
      // Nothing came: the turn never happened. The card says why and offers to retry.
      this.turns.pop();
      view.element.remove();
      this.views.delete(turn);
    } else {
      // A failure after some text: keep what arrived, like a stop, and show the card below it.
      if (turn.status === "streaming") turn.status = "stopped";
      turn.stats = meter.snapshot();
      md.finish();
      if (turn.content === "") view.body.append(h("p", { class: "muted" }, "Stopped before the reply began."));
      view.setStats(turn.stats, false);
    }
    if (failure !== null) this.showProblem(failure);
    this.refreshActions();
    this.refreshComposer();
    this.deps.onBusy(false);
    this.save();
    this.scroll();
  }

  private showProblem(err: unknown): void {
    const remedies: Remedies = {
      ...this.deps.remedies(),
      retry: () => {
        replace(this.problemSlot);
        const last = this.turns.at(-1);
        if (last?.role === "assistant") this.regenerate();
        else void this.generate();
      },
      newChat: () => this.clear(),
    };
    replace(this.problemSlot, renderProblem(describeError(err, remedies), () => replace(this.problemSlot)));
  }

  private refreshActions(): void {
    const lastAssistant = [...this.turns].reverse().find((t) => t.role === "assistant");
    for (const [turn, view] of this.views) {
      if (turn.role !== "assistant" || turn.status === "streaming") {
        view.setActions([]);
        continue;
      }
      const actions: Node[] = [
        h("button", { type: "button", class: "icon-btn", title: "Copy the reply as Markdown", "aria-label": "Copy", onclick: () => void navigator.clipboard?.writeText(turn.content).catch(() => undefined) }, icon("copy")),
      ];
      if (turn === lastAssistant && turn === this.turns.at(-1)) {
        actions.push(h("button", { type: "button", class: "icon-btn", title: "Regenerate", "aria-label": "Regenerate", "data-testid": "regenerate", onclick: () => this.regenerate() }, icon("refresh")));
      }
      if (turn.request) {
        const pre = h("pre", { class: "request-json", "data-testid": "request-json" });
        const details = h("details", { class: "request-details" }, h("summary", { title: "The exact request sent to create()" }, icon("code"), "Request"), pre);
        const request = turn.request;
        // Drawn on first open: long conversations would otherwise carry every request's JSON.
        details.addEventListener("toggle", () => {
          if (details.open && !pre.textContent) pre.textContent = JSON.stringify(request, null, 2);
        });
        actions.push(details);
      }
      view.setActions(actions);
    }
  }

  private scroll(): void {
    if (this.stick) this.transcript.scrollTop = this.transcript.scrollHeight;
  }

  private save(): void {
    try {
      const done = this.turns.filter((t) => t.status !== "streaming");
      localStorage.setItem(STORAGE_KEY, JSON.stringify(done));
    } catch {
      // Storage full or blocked: the conversation just will not survive a reload.
    }
  }

  private restore(): void {
    try {
      const saved = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? "[]") as Turn[];
      for (const turn of Array.isArray(saved) ? saved : []) {
        if ((turn.role === "user" || turn.role === "assistant") && typeof turn.content === "string") this.push(turn);
      }
    } catch {
      // A broken entry: start with an empty conversation.
    }
    replace(this.problemSlot);
  }
}
