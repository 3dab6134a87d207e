import type { EngineStatus, PulseDownMessage, PulseUpMessage } from "./wire.js";

/**
 * The worker's side of the page's heartbeat. It answers pings on each page's heartbeat port,
 * and it warns every page before work that may block this thread for a while: importing the
 * backend, loading a model (WebLLM builds its tokenizer and pipelines synchronously), and a
 * request's prefill up to its first token (a JSON-schema grammar compiles synchronously). The
 * page tolerates a long silence only inside such a window, so a busy worker is not taken for
 * a dead one, and a dead worker is still noticed within a second the rest of the time.
 * One beacon serves every connection of a SharedWorker, because they share one thread.
 */
export class Beacon {
  private readonly ports = new Set<MessagePort>();
  private depth = 0;
  /** Counts `closeAll` calls: a window opened before one must not close a window opened after. */
  private epoch = 0;
  private current: EngineStatus = { state: "idle" };

  /** The engine's status, as every page was last told. */
  get status(): EngineStatus {
    return this.current;
  }

  /** Tells every connected page the engine's new status. */
  setStatus(status: EngineStatus): void {
    this.current = status;
    this.post({ t: "status", status });
  }

  /** Starts answering pings on `port`, and says at once whether the thread is busy. */
  watch(port: MessagePort): void {
    port.onmessage = (ev: MessageEvent<PulseUpMessage>) => {
      if (ev.data?.t === "ping") port.postMessage({ t: "pong" } satisfies PulseDownMessage);
    };
    // A page that goes away (a closed tab of a SharedWorker) must not stay in the set forever.
    port.addEventListener?.("close", () => this.ports.delete(port));
    port.start?.();
    this.ports.add(port);
    port.postMessage({ t: this.depth > 0 ? "busy" : "ready" } satisfies PulseDownMessage);
    // A page that connects mid-load sees the current progress at once, not at the next report.
    port.postMessage({ t: "status", status: this.current } satisfies PulseDownMessage);
  }

  /** Opens a window of possibly blocking work; every `begin` needs one `end`. Windows nest. */
  begin(): void {
    if (this.depth++ === 0) this.post({ t: "busy" });
  }

  end(): void {
    if (this.depth > 0 && --this.depth === 0) this.post({ t: "ready" });
  }

  /** Runs `work` inside a window. */
  async blocking<T>(work: () => Promise<T>): Promise<T> {
    this.begin();
    const epoch = this.epoch;
    try {
      return await work();
    } finally {
      if (epoch === this.epoch) this.end();
    }
  }

  /**
   * Closes every open window, for work that was abandoned while inside one (a generation that
   * never ends would otherwise keep the pages tolerating silence for ever). Windows opened
   * before this call end without effect.
   */
  closeAll(): void {
    this.epoch++;
    if (this.depth === 0) return;
    this.depth = 0;
    this.post({ t: "ready" });
  }

  private post(msg: PulseDownMessage): void {
    for (const port of this.ports) port.postMessage(msg);
  }
}
