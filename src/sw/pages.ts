import { isPagellmMessage } from "./is-message.js";
import type { ProbeMessage } from "./protocol.js";

/**
 * The pages that serve an engine to this service worker. Pages announce themselves when they
 * start serving (`engine-ready`) and when they stop (`engine-gone`). A browser may stop an idle
 * service worker at any time and start it again with empty memory, so when no announced page is
 * left the worker asks every client of its origin (`probe`) and keeps those that answer in time.
 */
export class EnginePages {
  private readonly ids = new Set<string>();
  private probing: Promise<void> | null = null;

  constructor(
    private readonly clients: Clients,
    private readonly probeTimeoutMs: number,
  ) {}

  /** Records that the client `id` serves an engine. */
  add(id: string): void {
    this.ids.add(id);
  }

  /** Records that the client `id` no longer serves one. */
  remove(id: string): void {
    this.ids.delete(id);
  }

  /** A page that serves an engine, preferring `preferred` (the client that made the request); null if none. */
  async pick(preferred: string | null): Promise<Client | null> {
    let live = await this.live();
    if (live.length === 0) {
      await (this.probing ??= this.probe().finally(() => (this.probing = null)));
      live = await this.live();
    }
    return live.find((c) => c.id === preferred) ?? live[0] ?? null;
  }

  private async live(): Promise<Client[]> {
    const out: Client[] = [];
    for (const id of [...this.ids]) {
      const client = await this.clients.get(id);
      if (client) out.push(client);
      else this.ids.delete(id);
    }
    return out;
  }

  private async probe(): Promise<void> {
    const all = await this.clients.matchAll({ includeUncontrolled: true, type: "all" });
    await Promise.all(all.map((client) => this.ask(client)));
  }

  private ask(client: Client): Promise<void> {
    return new Promise<void>((resolve) => {
      const { port1, port2 } = new MessageChannel();
      const done = (): void => {
        clearTimeout(timer);
        port1.onmessage = null;
        port1.close();
        resolve();
      };
      const timer = setTimeout(done, this.probeTimeoutMs);
      port1.onmessage = (ev: MessageEvent) => {
        if (isPagellmMessage(ev.data) && ev.data.pagellm === "here") this.ids.add(client.id);
        done();
      };
      const probe: ProbeMessage = { pagellm: "probe" };
      client.postMessage(probe, [port2]);
    });
  }
}
