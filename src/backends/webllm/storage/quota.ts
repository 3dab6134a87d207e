import { InsufficientStorageError } from "../../../errors/classes.js";
import { formatBytes } from "../../../device/fit.js";

/** What `navigator.storage.estimate()` answers; both fields in bytes. */
export interface StorageEstimateLike {
  quota?: number | undefined;
  usage?: number | undefined;
}

/**
 * Where the quota check reads the storage estimate: `navigator.storage.estimate()` unless the
 * backend was given `storageEstimate` (the seam for tests, whose real quota is far too large to
 * fill, and for apps that want to keep room for their own data).
 */
export type StorageEstimator = () => Promise<StorageEstimateLike>;

const storage = (): StorageManager | undefined => (globalThis.navigator as Navigator | undefined)?.storage;

/**
 * Before `needed` bytes are downloaded: asks for persistent storage, so that the browser does
 * not evict gigabytes of weights under pressure (`persist()` exists only in a window; from a
 * worker the page asks, in `engine.load()`), then refuses with `InsufficientStorageError` (507)
 * when the quota leaves less room than the download needs. An unknown quota is not a refusal.
 */
export async function ensureRoom(model: string, needed: number, estimator?: StorageEstimator): Promise<void> {
  if (needed <= 0) return;
  const s = storage();
  const persist = (s as { persist?: () => Promise<boolean> } | undefined)?.persist;
  if (persist) await persist.call(s).catch(() => false);
  const read: StorageEstimator = estimator ?? (async () => (s ? s.estimate() : {}));
  const estimate = await read().catch((): StorageEstimateLike => ({}));
  if (typeof estimate.quota !== "number") return;
  const available = Math.max(0, estimate.quota - (estimate.usage ?? 0));
  if (needed <= available) return;
  throw new InsufficientStorageError(
    `Model "${model}" needs ${formatBytes(needed)} more storage, but this browser leaves ${formatBytes(available)} free for this site ` +
      `(quota ${formatBytes(estimate.quota)}, used ${formatBytes(estimate.usage ?? 0)}). Delete models you no longer use (engine.models.delete(id)), ` +
      "free disk space, or pick a smaller model.",
    needed,
    available,
  );
}
