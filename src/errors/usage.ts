/**
 * A mistake in how pagellm is used from the page, not a request the engine refused: no `worker`
 * given to `createEngine`, an engine used after `close()`, a page serving two engines over the
 * service worker. It never becomes an HTTP status, because no request was made; its message
 * says what to change in the code.
 */
export class UsageError extends Error {
  // A literal, as for the API errors: minifiers rename classes.
  override readonly name: string = "UsageError";
  /** What was misused, e.g. `"worker"` or `"engine"`. */
  readonly subject: string;
  /** A stable code, e.g. `"engine_closed"` or `"worker_required"`. */
  readonly code: string;

  constructor(message: string, subject: string, code: string) {
    super(message);
    this.subject = subject;
    this.code = code;
  }
}
