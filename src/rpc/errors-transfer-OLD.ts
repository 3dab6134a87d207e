import { transferHandlers, type TransferHandler } from "comlink";
import { deserializeError, serializeError } from "../errors/serialize.js";
import type { SerializedError } from "./wire.js";

let installed = false;

/**
 * Makes errors thrown by plain comlink calls (`configure`, `listModels`, `unload`, `stats`) cross
 * the worker boundary the way call-port errors do: as `serializeError` data, rebuilt by class on
 * the other side. comlink's own handler sends only name, message and stack, so a
 * `BadRequestError` arrived as a bare `Error`. Called by both sides (an explicit call, not an
 * import side effect, because the package is `sideEffects: false`); safe to call twice.
 */
export function installErrorTransfer(): void {
  if (installed) return;
  installed = true;
  const base = transferHandlers.get("throw") as TransferHandler<{ value: unknown }, unknown> | undefined;
  if (!base) return;
  transferHandlers.set("throw", {
    canHandle: base.canHandle,
    serialize: ({ value }: { value: unknown }) => [serializeError(value), []],
    deserialize: (data: unknown) => {
      throw deserializeError(data as SerializedError);
    },
  } as TransferHandler<unknown, unknown>);
}
