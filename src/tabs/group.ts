import { transfer, wrap, type Endpoint, type Remote } from "comlink";
import type { HostApi } from "../rpc/wire.js";
import { Switchboard, type Frame } from "./switchboard.js";

/** The tabs' own messages on the BroadcastChannel, beside the switchboard's frames. */
type Control =
  /** The sender leads, with its worker's epoch (a new worker is a new epoch). */
  | { k: "leader"; from: string; epoch: number }
  /** The sender wants to know who leads. */
  | { k: "who"; from: string }
  /** The sender asks the leader to serve a new connection on channel `link`. */
  | { k: "open"; from: string; to: string; link: string };

/**
 * An endpoint that can tell its connection that it is gone, and be closed by it: the link of
 * one engine to the tab group's worker. `rpc/connection.ts` knows it by `watchLoss`.
 */
export interface TabLink extends Endpoint {
  /** Calls `onLoss` once when the link is cut from this side (a new leader, a new worker). */
  watchLoss(onLoss: (code: string, message: string) => void): () => void;
  /** Closes the link; `code` says why its connection died. */
  close(code?: string | null): void;
}

/**
 * The tabs of one origin that share one model without a SharedWorker (Chrome on Android, some
 * webviews). They elect a leader with Web Locks: the tab holding the lock runs the dedicated
 * worker, and every engine, the leader's own included, reaches it through a link of its own:
 * a MessagePort attached to the worker in the leader tab, relayed over a BroadcastChannel by a
 * `Switchboard` from any other tab. When the leader tab closes, the browser releases its lock,
 * the next tab in line takes it and starts a worker, and every link to the old one is cut with
 * `leader_changed`, so pending calls reject and the next call connects to the new leader.
 */
export class TabGroup {
  readonly id: string = crypto.randomUUID();
  private readonly channel: BroadcastChannel;
  private readonly board: Switchboard;
  private leader: { id: string; epoch: number } | null = null;
  private waiting: (() => void)[] = [];
  private worker: Worker | null = null;
  private host: Remote<HostApi> | null = null;
  private epoch = 0;
  private readonly links = new Map<TabLink, (code: string, message: string) => void>();
  private nextLink = 0;

  constructor(
    name: string,
    private readonly dedicated: () => Worker,
  ) {
    this.channel = new BroadcastChannel(`pagellm-tabs:${name}`);
    this.board = new Switchboard(this.channel, this.id);
    this.channel.onmessage = (ev: MessageEvent<Frame | Control>) => this.onFrame(ev.data);
    // Held until this tab goes away: the browser releases a closed tab's locks.
    void navigator.locks.request(`pagellm-leader:${name}`, () => new Promise<void>(() => this.lead()));
    this.post({ k: "who", from: this.id });
  }

  /** Whether this tab runs the worker. */
  get leading(): boolean {
    return this.leader?.id === this.id;
  }

  /** Relayed channels open in this tab (for leak checks). */
  get relayed(): number {
    return this.board.size;
  }

  /** A new link to the group's worker, once a leader is known. */
  async connect(): Promise<TabLink> {
    while (!this.leader) await new Promise<void>((resolve) => this.waiting.push(resolve));
    const { port1, port2 } = new MessageChannel();
    if (this.leading) {
      await this.host?.attach(transfer(port2, [port2]));
    } else {
      const link = `${this.id}:link:${this.nextLink++}`;
      this.board.bind(link, port2, this.leader.id);
      this.post({ k: "open", from: this.id, to: this.leader.id, link });
    }
    return this.link(port1);
  }

  private link(port: MessagePort): TabLink {
    port.start();
    const link: TabLink = {
      postMessage: (message, list) => port.postMessage(message, list ?? []),
      addEventListener: (type, listener) => port.addEventListener(type, listener),
      removeEventListener: (type, listener) => port.removeEventListener(type, listener),
      start: () => port.start(),
      watchLoss: (onLoss) => {
        this.links.set(link, onLoss);
        return () => this.links.delete(link);
      },
      close: (code) => {
        this.links.delete(link);
        port.close();
        // A hung or crashed worker must not keep serving: the leader starts another.
        if (code === "worker_crashed" && this.leading) this.startWorker();
      },
    };
    return link;
  }

  private lead(): void {
    const previous = this.leader;
    if (previous && previous.id !== this.id) this.cut(previous.id, "The tab that ran pagellm's shared worker closed; this tab runs it now.");
    this.startWorker();
  }

  /** Starts a worker (a new epoch), tells every tab, and cuts the links to the old one. */
  private startWorker(): void {
    const old = this.worker;
    this.worker = this.dedicated();
    this.host = wrap<HostApi>(this.worker);
    this.worker.addEventListener("error", () => this.startWorker(), { once: true });
    this.leader = { id: this.id, epoch: ++this.epoch };
    if (old) {
      this.cutLinks("worker_crashed", "pagellm's shared worker stopped; a new one was started.");
      old.terminate();
    }
    this.post({ k: "leader", from: this.id, epoch: this.epoch });
    this.wake();
  }

  private onFrame(f: Frame | Control): void {
    switch (f.k) {
      case "msg":
      case "close":
        return this.board.receive(f);
      case "who":
        if (this.leading) this.post({ k: "leader", from: this.id, epoch: this.epoch });
        return;
      case "open":
        if (f.to !== this.id || !this.leading || !this.host) return;
        {
          const { port1, port2 } = new MessageChannel();
          this.board.bind(f.link, port1, f.from);
          void this.host.attach(transfer(port2, [port2]));
        }
        return;
      case "leader": {
        const old = this.leader;
        if (old && old.id === f.from && old.epoch === f.epoch) return;
        this.leader = { id: f.from, epoch: f.epoch };
        if (old && old.id !== this.id) {
          this.cut(old.id, old.id === f.from ? "pagellm's shared worker was restarted by the tab that runs it." : "The tab that ran pagellm's shared worker closed; another tab runs it now.");
        }
        this.wake();
      }
    }
  }

  /** Cuts every link that went through `peer`. */
  private cut(peer: string, message: string): void {
    this.board.dropPeer(peer);
    this.cutLinks("leader_changed", message);
  }

  private cutLinks(code: string, message: string): void {
    const lost = [...this.links.values()];
    this.links.clear();
    for (const onLoss of lost) onLoss(code, `${message} Pending requests were cancelled; send them again.`);
  }

  private wake(): void {
    const waiting = this.waiting;
    this.waiting = [];
    for (const resolve of waiting) resolve();
  }

  private post(message: Control): void {
    this.channel.postMessage(message);
  }
}
