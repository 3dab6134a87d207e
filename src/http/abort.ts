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
