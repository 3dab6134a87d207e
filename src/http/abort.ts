/**
 * What an aborted `fetch` rejects with: the signal's reason, as the platform's `fetch` does, and
 * that is a `DOMException` named `AbortError` for a plain `controller.abort()`. The `openai` SDK
 * and other clients recognize that name and raise their own abort errors (the SDK's
 * `APIUserAbortError`), so our `APIUserAbortError`, which has no HTTP status, never becomes a
 * response.
 */
export function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException("This operation was aborted", "AbortError");
}

/**
 * Settles with `work`, or rejects with the abort reason as soon as `signal` aborts, even if
 * `work` is still waiting on the worker. `work` is expected to stop on the same signal.
 */
export function raceAbort<T>(work: Promise<T>, signal: AbortSignal | null): Promise<T> {
  if (!signal) return work;
  if (signal.aborted) {
    work.catch(() => {});
    return Promise.reject(abortReason(signal));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortReason(signal));
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
