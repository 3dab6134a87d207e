import { proxy } from "comlink";
import { UsageError } from "../errors/usage.js";
import { Connection, type WorkerLike } from "../rpc/connection.js";
import type { HostConfig } from "../rpc/wire.js";
import { isSharedEngineWorker } from "../tabs/shared-worker.js";
import { Engine } from "./engine.js";
import type { EngineOptions } from "./options.js";

/** A SharedWorker, or a link to another tab's worker: both keep running after this page closes. */
const outlivesPage = (worker: WorkerLike): boolean =>
  (typeof SharedWorker !== "undefined" && worker instanceof SharedWorker) || typeof (worker as { watchLoss?: unknown }).watchLoss === "function";

/**
 * Connects to a worker that runs `serve()` and returns an `Engine`.
 *
 * @example
 * ```ts
 * const engine = await createEngine({
 *   worker: new Worker(new URL("./worker.ts", import.meta.url), { type: "module" }),
 * });
 * ```
 */
export async function createEngine(options: EngineOptions): Promise<Engine> {
  if (!options?.worker) {
    throw new UsageError(
      "createEngine needs { worker }: new Worker(new URL(\"./worker.ts\", import.meta.url), { type: \"module\" }), where worker.ts calls serve() from \"pagellm/worker\".",
      "worker",
      "worker_required",
    );
  }
  const given = options.worker;
  const factory = isSharedEngineWorker(given) ? () => given.connect() : typeof given === "function" ? given : null;
  const config: HostConfig = { ...(options.models ? { models: options.models } : {}), moderate: options.moderate !== undefined };
  const onProgress = options.onProgress ? proxy(options.onProgress) : undefined;
  // Every worker the engine ever starts gets the same configuration.
  const start = async (worker: WorkerLike): Promise<Connection> => {
    // Only a worker that outlives this page needs to be told that the page is gone: a
    // dedicated worker dies with it. The lock code loads only for those.
    const presence = outlivesPage(worker) ? await (await import("../rpc/presence.js")).holdPresence() : null;
    const connection = new Connection(worker, options.heartbeat ?? {}, options.moderate, presence?.release);
    try {
      await connection.ask((host) => host.configure(presence ? { ...config, presence: presence.name } : config, onProgress));
      return connection;
    } catch (err) {
      connection.close();
      throw err;
    }
  };
  const engine = new Engine(await start(factory ? await factory() : (given as WorkerLike)), { factory, start, onProgress: options.onProgress });
  try {
    if (options.model) await engine.load(options.model);
    return engine;
  } catch (err) {
    engine.close();
    throw err;
  }
}
