import type { EngineStatus, PulseDownMessage, PulseUpMessage } from "./wire.js";

/**
 * Bounds of the heartbeat, the last of the ways an engine notices that its worker is gone. The
 * deaths that can be seen are seen at once, with no heartbeat: the worker's `error` event (it
 * threw and did not catch, or its script failed), a `terminate()` call on the engine's worker
 * (the engine watches that method), and the closing of the heartbeat's port where the platform
 * reports it (Node's worker_threads). The heartbeat is for the deaths that nothing reports (the
 * browser killing the worker, say) and for a worker stuck in a loop: a ping goes out every
 * `intervalMs` while calls are pending, and the worker counts as dead at the first ping that
 * finds it silent for more than `timeoutMs`.
 *
 * The silence bound is seconds, not milliseconds, because a false alarm kills a healthy worker:
 * on a loaded two-core machine a busy worker thread went 666 ms without answering.
 */
export interface HeartbeatOptions {
  /** How often to ping the worker while calls are pending. Default 500 ms. */
  intervalMs?: number;
  /**
   * Silence after which the worker counts as dead. Default 5,000 ms, so a silent death is noticed
   * within 5.5 s. A backend that blocks its thread longer between tokens needs a larger value.
   */
  timeoutMs?: number;
  /**
   * Silence allowed while the worker has said its thread may block: while its backend module
   * loads, while a model loads, and during a request's prefill up to the first token. WebLLM
   * builds its tokenizer and compiles JSON grammars synchronously there. Default 30 s.
   */
  busyTimeoutMs?: number;
}

const DEFAULTS = { intervalMs: 500, timeoutMs: 5_000, busyTimeoutMs: 30_000 };

const now = (): number => performance.now();

/**
 * The page's end of the heartbeat: a MessagePort of its own, not comlink, so that pings never
 * queue behind calls. It runs only while `pending()` says calls are open, so an idle engine
 * costs nothing, and `wake()` restarts it when a call begins.
 *
 * False alarms are worse than a slow verdict, because a false alarm kills a healthy worker. So:
 * - until the worker has answered once (it may still be evaluating its script), and while it
 *   says it is busy, the limit is `busyTimeoutMs`;
 * - a tick that fires late means the page itself was blocked and the worker's answers may be
 *   waiting behind us in the queue, so the silence is measured afresh from that tick.
 */
export class Heartbeat {
  /** The end to transfer to the worker. */
  readonly remote: MessagePort;
  private readonly port: MessagePort;
  private readonly options: Required<HeartbeatOptions>;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private answered = false;
  private busy = false;
  private lastSeen = 0;
  private lastTick = 0;
  private stopped = false;

  /** Whether to ping at all; with `heartbeat: false` the port still carries the engine's status. */
  private readonly pinging: boolean;

  constructor(
    options: HeartbeatOptions | false,
    private readonly pending: () => boolean,
    /** Called once the worker is known to be gone, with why, as a phrase. */
    private readonly onDead: (why: string) => void,
    /** Called with each status the worker reports. */
    private readonly onStatus: (status: EngineStatus) => void = () => {},
  ) {
    this.pinging = options !== false;
    this.options = { ...DEFAULTS, ...(options || {}) };
    const channel = new MessageChannel();
    this.port = channel.port1;
    this.remote = channel.port2;
    this.port.onmessage = (ev: MessageEvent<PulseDownMessage>) => {
      this.answered = true;
      this.lastSeen = now();
      if (ev.data?.t === "busy") this.busy = true;
      else if (ev.data?.t === "ready") this.busy = false;
      else if (ev.data?.t === "status") this.onStatus(ev.data.status);
    };
    // Node reports the far end's closing, which a terminated worker_threads Worker does at once;
    // browsers do not (yet), and the listener then never fires.
    this.port.addEventListener("close", () => {
      if (!this.stopped) this.onDead("its end of the heartbeat closed");
    });
    this.port.start?.();
    // Node: a heartbeat must not keep the process alive by itself.
    (this.port as MessagePort & { unref?: () => void }).unref?.();
  }

  /** Starts pinging, if it is not already, because a call has begun. */
  wake(): void {
    if (this.timer !== null || this.stopped || !this.pinging) return;
    const t = now();
    this.lastSeen = Math.max(this.lastSeen, t);
    this.lastTick = t;
    this.ping();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.port.onmessage = null;
    this.port.close();
  }

  private readonly tick = (): void => {
    this.timer = null;
    if (this.stopped || !this.pending()) return;
    const t = now();
    if (t - this.lastTick > this.options.intervalMs * 2) this.lastSeen = Math.max(this.lastSeen, t);
    this.lastTick = t;
    const limit = this.answered && !this.busy ? this.options.timeoutMs : this.options.busyTimeoutMs;
    const silent = t - this.lastSeen;
    if (silent > limit) return this.onDead(`it was silent for ${Math.round(silent)} ms`);
    this.ping();
  };

  private ping(): void {
    this.port.postMessage({ t: "ping" } satisfies PulseUpMessage);
    const timer = setTimeout(this.tick, this.options.intervalMs);
    (timer as { unref?: () => void }).unref?.();
    this.timer = timer;
  }
}
