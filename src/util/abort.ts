/**
 * Abort listeners, counted. Every listener pagellm puts on an `AbortSignal` goes through
 * `onAbort`, so `stats().listeners` counts real registrations minus real removals: a listener
 * that is never removed shows up there, and a leak test can fail.
 */
let live = 0;

/** Listeners added through `onAbort` in this realm and not yet removed. */
export const liveAbortListeners = (): number => live;

/**
 * Calls `fn` once when `signal` aborts. Returns the function that removes the listener; call it
 * as soon as the work that needed it ends (calling it twice is safe). An already aborted signal
 * registers nothing and calls nothing: callers check `signal.aborted` first, as they must anyway.
 */
export function onAbort(signal: AbortSignal, fn: () => void): () => void {
  if (signal.aborted) return () => {};
  let removed = false;
  const listener = (): void => {
    remove();
    fn();
  };
  const remove = (): void => {
    if (removed) return;
    removed = true;
    live--;
    signal.removeEventListener("abort", listener);
  };
  live++;
  signal.addEventListener("abort", listener, { once: true });
  return remove;
}

/**
 * Settles with `work`, or rejects with `reason()` as soon as `signal` aborts, even while `work`
 * is still waiting on something that cannot be interrupted (a wasm compile, a worker's reply).
 * `work` is expected to stop on the same signal; its own rejection is then swallowed.
 */
export function raceAbort<T>(work: Promise<T>, signal: AbortSignal | null | undefined, reason: () => unknown): Promise<T> {
  if (!signal) return work;
  if (signal.aborted) {
    work.catch(() => {});
    return Promise.reject(reason());
  }
  return new Promise<T>((resolve, reject) => {
    const remove = onAbort(signal, () => reject(reason()));
    work.then(resolve, reject).finally(remove);
  });
}
