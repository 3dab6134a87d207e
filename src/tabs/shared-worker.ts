import type { WorkerLike } from "../rpc/connection.js";

/** Options of `sharedWorker`. */
export interface SharedWorkerOptions {
  /**
   * Makes the SharedWorker that runs `serve()`, where the browser has SharedWorker:
   * `() => new SharedWorker(new URL("./worker.ts", import.meta.url), { type: "module" })`.
   */
  shared: () => SharedWorker;
  /**
   * Makes a dedicated Worker with the same script, for browsers without SharedWorker (Chrome on
   * Android, some webviews): `() => new Worker(new URL("./worker.ts", import.meta.url), { type: "module" })`.
   * One tab, elected with Web Locks, runs it for every tab of the origin.
   */
  dedicated: () => Worker;
  /** Tabs that share one engine use the same name. Default `"pagellm"`. */
  name?: string;
}

/** What `createEngine({ worker })` takes for one engine shared by every tab. Make it with `sharedWorker`. */
export interface SharedEngineWorker {
  readonly kind: "pagellm-shared-worker";
  /** A connection to the shared worker, or to the leader tab's worker. */
  connect(): Promise<WorkerLike>;
}

/**
 * One engine for every tab of an origin: pass the result as `createEngine({ worker })`.
 *
 * Where SharedWorker exists, every tab connects to one SharedWorker. Where it does not, the tabs
 * elect a leader with Web Locks: the leader runs `dedicated()` and the others reach it through a
 * BroadcastChannel, with the same API, errors, streams and aborts. When the leader tab closes,
 * the next tab takes over: calls pending on the old leader reject with `EngineUnavailableError`
 * (code `leader_changed`, retryable), and the next call loads the model in the new leader.
 * Without Web Locks or BroadcastChannel each tab runs its own dedicated worker.
 *
 * The two factories are there so that your bundler sees both worker URLs.
 *
 * @example
 * ```ts
 * const engine = await createEngine({
 *   worker: sharedWorker({
 *     shared: () => new SharedWorker(new URL("./worker.ts", import.meta.url), { type: "module" }),
 *     dedicated: () => new Worker(new URL("./worker.ts", import.meta.url), { type: "module" }),
 *   }),
 * });
 * ```
 */
export function sharedWorker(options: SharedWorkerOptions): SharedEngineWorker {
  let group: Promise<{ connect(): Promise<WorkerLike> }> | undefined;
  return {
    kind: "pagellm-shared-worker",
    async connect() {
      // Looked up now, not at import: a page can decide late (and a test can remove it first).
      if (typeof SharedWorker !== "undefined") return options.shared();
      if (typeof navigator === "undefined" || !navigator.locks || typeof BroadcastChannel === "undefined") return options.dedicated();
      // Only apps that land here load the election and the relay.
      group ??= import("./group.js").then((m): { connect(): Promise<WorkerLike> } => new m.TabGroup(options.name ?? "pagellm", options.dedicated));
      return (await group).connect();
    },
  };
}

/** Whether `worker` is a `sharedWorker(...)` descriptor. */
export const isSharedEngineWorker = (worker: unknown): worker is SharedEngineWorker =>
  typeof worker === "object" && worker !== null && (worker as { kind?: unknown }).kind === "pagellm-shared-worker";
