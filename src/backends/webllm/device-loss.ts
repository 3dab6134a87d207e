import type { APIError } from "../../errors/classes.js";
import { deviceLost, isLostDeviceError, UNAVAILABLE } from "./errors.js";
import { DEVICE_PATH, ENGINE_PIPELINES } from "./internals.js";

/** Why a device was lost, as `GPUDeviceLostInfo` says. */
export interface DeviceLoss {
  reason: string;
  message: string;
}

const step = (o: unknown, key: string): unknown => (o !== null && typeof o === "object" ? (o as Record<string, unknown>)[key] : undefined);

/**
 * The `GPUDevice` that `model`'s pipeline runs on, reached through the internals in
 * `DEVICE_PATH` (WebLLM creates the device inside `reload` and exposes no handle on it), or
 * null where this WebLLM lays them out differently.
 */
export function deviceOf(engine: object, model: string): GPUDevice | null {
  const pipelines = step(engine, ENGINE_PIPELINES);
  let node: unknown = pipelines instanceof Map ? pipelines.get(model) : undefined;
  for (const { key } of DEVICE_PATH) node = step(node, key);
  const lost = step(node, "lost");
  return lost instanceof Promise && typeof step(node, "destroy") === "function" ? (node as GPUDevice) : null;
}

/**
 * Watches one device: `onLost` runs once when it is lost for any reason but our own unload,
 * which `release()` announces first (WebLLM's `unload` destroys the device, and its `lost`
 * promise then resolves with reason `"destroyed"`, exactly as a loss from outside does).
 */
export class DeviceWatch {
  private released = false;
  /** Set once the device is lost; the loss, for error messages. */
  lost: DeviceLoss | null = null;

  constructor(
    readonly device: GPUDevice,
    onLost: (loss: DeviceLoss) => void,
  ) {
    void device.lost.then((info) => {
      if (this.released) return;
      this.lost = { reason: String(info.reason ?? "unknown"), message: info.message ?? "" };
      onLost(this.lost);
    });
  }

  /** We are about to unload or replace the model: its device's end is no loss. */
  release(): void {
    this.released = true;
  }
}

export { isLostDeviceError };

/**
 * Whether WebLLM holds a pipeline for `model`; null where this WebLLM keeps them elsewhere.
 * WebLLM's own `device.lost` handler unloads, which makes a `reload` in progress resolve quietly
 * as if it had been aborted, with nothing loaded.
 */
export function holdsPipeline(engine: object, model: string): boolean | null {
  const pipelines = step(engine, ENGINE_PIPELINES);
  return pipelines instanceof Map ? pipelines.has(model) : null;
}

/** The browser's own words for a loss, for `deviceLost`'s message. */
export const describeLoss = (loss: DeviceLoss | null): string | undefined => (loss ? `reason "${loss.reason}"${loss.message ? `: ${loss.message}` : ""}` : undefined);

/**
 * Runs a generation on the device `watch` watches, and turns whatever a loss makes it throw into
 * `EngineUnavailableError` (code `device_lost`). Work in flight on a lost device fails in
 * whatever way it happens to: Chromium rejects a pending `mapAsync` with an `AbortError`
 * ("Buffer was unmapped before mapping was resolved"), which must not pass for the caller's own
 * abort; a later one says "The Device was lost"; a disposed pipeline fails on a read. The
 * device's `lost` promise may settle a moment after that error, so a failure waits briefly for it.
 */
export async function* guardDeviceLoss<T>(watch: DeviceWatch | null, events: AsyncIterable<T>, signal: AbortSignal): AsyncGenerator<T> {
  if (watch?.lost) throw deviceLost(describeLoss(watch.lost));
  try {
    yield* events;
  } catch (err) {
    if (signal.aborted || (err as APIError | null)?.code === UNAVAILABLE.deviceLost) throw err;
    if (watch && !watch.lost) await Promise.race([watch.device.lost, new Promise((r) => setTimeout(r, 100))]);
    if (watch?.lost || isLostDeviceError(err)) throw deviceLost(describeLoss(watch?.lost ?? null));
    throw err;
  }
}
