/**
 * MessagePorts over a BroadcastChannel. A BroadcastChannel cannot transfer ports, and pagellm's
 * protocol gives every call a port of its own, so the tabs of the fallback (no SharedWorker)
 * cannot hand each other ports. A switchboard in each tab relays virtual channels instead: a
 * local port bound to a channel id has everything posted on it sent over the BroadcastChannel
 * to one peer tab, whose switchboard posts it on its own port for that id. A port inside a
 * message is replaced by a new channel id on the way out and by a fresh local port on the way
 * in, so calls, streams with credits, aborts and the heartbeat keep working unchanged.
 */

/** A frame on the BroadcastChannel; every tab sees every frame and keeps those addressed to it. */
export type Frame =
  | { k: "msg"; from: string; to: string; ch: string; data: unknown }
  | { k: "close"; from: string; to: string; ch: string };

const PORT = "__pagellmPort";

interface Bound {
  port: MessagePort;
  peer: string;
}

export class Switchboard {
  private readonly bound = new Map<string, Bound>();
  private next = 0;

  constructor(
    private readonly channel: BroadcastChannel,
    /** This tab's id. */
    readonly self: string,
  ) {}

  /** How many ports are being relayed now (a leak shows here). */
  get size(): number {
    return this.bound.size;
  }

  /** Relays `port` as channel `ch` of `peer`: what is posted on it goes there, and back. */
  bind(ch: string, port: MessagePort, peer: string): void {
    this.bound.set(ch, { port, peer });
    port.onmessage = (ev: MessageEvent) => {
      const frame: Frame = { k: "msg", from: this.self, to: peer, ch, data: this.encode(ev.data, peer) };
      this.channel.postMessage(frame);
    };
    // Chromium reports the far end's closing; then the peer's end closes too.
    port.addEventListener("close", () => this.drop(ch, true));
    port.start();
  }

  /** Handles a frame from the BroadcastChannel; frames for other tabs are ignored. */
  receive(frame: Frame): void {
    if (frame.to !== this.self) return;
    const entry = this.bound.get(frame.ch);
    if (!entry) return;
    if (frame.k === "close") return this.drop(frame.ch, false);
    const transfer: MessagePort[] = [];
    entry.port.postMessage(this.decode(frame.data, frame.from, transfer), transfer);
  }

  /** Closes every channel shared with `peer` (it left, or stopped leading). */
  dropPeer(peer: string): void {
    for (const [ch, entry] of this.bound) if (entry.peer === peer) this.drop(ch, false);
  }

  /** Closes every channel. */
  dropAll(): void {
    for (const ch of [...this.bound.keys()]) this.drop(ch, true);
  }

  private drop(ch: string, tell: boolean): void {
    const entry = this.bound.get(ch);
    if (!entry) return;
    this.bound.delete(ch);
    entry.port.onmessage = null;
    entry.port.close();
    if (tell) this.channel.postMessage({ k: "close", from: this.self, to: entry.peer, ch } satisfies Frame);
  }

  /** A copy of `value` with each MessagePort replaced by a channel to `peer` that relays it. */
  private encode(value: unknown, peer: string): unknown {
    if (typeof MessagePort !== "undefined" && value instanceof MessagePort) {
      const ch = `${this.self}:${this.next++}`;
      this.bind(ch, value, peer);
      return { [PORT]: ch };
    }
    if (typeof value !== "object" || value === null || ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return value;
    if (Array.isArray(value)) return value.map((v) => this.encode(v, peer));
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = this.encode(v, peer);
    return out;
  }

  /** The reverse of `encode`: each placeholder becomes a local port, bound to the channel. */
  private decode(value: unknown, peer: string, transfer: MessagePort[]): unknown {
    if (typeof value !== "object" || value === null || ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return value;
    if (Array.isArray(value)) return value.map((v) => this.decode(v, peer, transfer));
    const ch = (value as Record<string, unknown>)[PORT];
    if (typeof ch === "string") {
      const { port1, port2 } = new MessageChannel();
      this.bind(ch, port1, peer);
      transfer.push(port2);
      return port2;
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = this.decode(v, peer, transfer);
    return out;
  }
}
