/**
 * A page's presence, as a Web Lock its worker can wait on. Chromium does not reliably fire a
 * MessagePort's `close` event in a SharedWorker when a tab closes, so a stream whose tab closed
 * would wait for credits until the worker went away. Instead each connection holds a lock of its
 * own for as long as it lives; the worker asks for the same lock, and gets it the moment the page
 * lets go: its tab closed, crashed or navigated away, or its engine was closed. Web Locks are
 * same-origin and reach workers, so this works for a SharedWorker and across the tabs of the
 * fallback alike. Where there is no `navigator.locks` (Node), there is no presence lock.
 */

const locks = (): LockManager | null => (typeof navigator !== "undefined" && navigator.locks ? navigator.locks : null);

/** Holds a fresh presence lock; resolves with its name and the function that lets it go. */
export async function holdPresence(): Promise<{ name: string; release: () => void } | null> {
  const manager = locks();
  if (!manager) return null;
  const name = `pagellm-page:${crypto.randomUUID()}`;
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  // Resolves once the lock is granted: only then may the worker start waiting for it.
  await new Promise<void>((granted) => {
    void manager.request(name, () => {
      granted();
      return held;
    });
  });
  return { name, release };
}

/** Calls `onGone` once the page holding lock `name` lets it go. */
export function whenGone(name: string, onGone: () => void): void {
  const manager = locks();
  if (!manager) return;
  // Granted only when the page's hold ends; released at once, since nothing is guarded by it.
  void manager.request(name, () => onGone());
}
