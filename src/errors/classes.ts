/**
 * The base of every error pagellm throws. Its fields match the `openai` package's `APIError`, so
 * code that handles OpenAI's errors handles ours: `status` is the HTTP status the hosted API would
 * have sent, and `type`, `code` and `param` are the fields of OpenAI's error body.
 */
export class APIError extends Error {
  readonly status: number | undefined;
  readonly type: string | null;
  readonly code: string | null;
  readonly param: string | null;

  constructor(
    status: number | undefined,
    message: string,
    fields: { type?: string | null; code?: string | null; param?: string | null } = {},
  ) {
    super(message);
    // A literal, never `new.target.name`: minifiers rename classes, and the name is how an error
    // finds its class again on the other side of the worker boundary.
    this.name = "APIError";
    this.status = status;
    this.type = fields.type ?? null;
    this.code = fields.code ?? null;
    this.param = fields.param ?? null;
  }

  /** The error as OpenAI's REST API sends it: `{ error: { message, type, param, code } }`. */
  toJSON(): { error: { message: string; type: string; param: string | null; code: string | null } } {
    return { error: { message: this.message, type: this.type ?? "server_error", param: this.param, code: this.code } };
  }
}

/** 400: the request is invalid. `param` names the offending field, for example `messages[2].content`. */
export class BadRequestError extends APIError {
  override readonly name: string = "BadRequestError";
  constructor(message: string, param: string | null = null, code: string | null = null) {
    super(400, message, { type: "invalid_request_error", param, code });
  }
}

/** 404: the model id is not in the catalog. */
export class NotFoundError extends APIError {
  override readonly name: string = "NotFoundError";
  constructor(message: string, param: string | null = "model", code: string | null = "model_not_found") {
    super(404, message, { type: "invalid_request_error", param, code });
  }
}

/** 400: the prompt does not fit the model's context window. Raised before any GPU work. */
export class ContextLengthExceededError extends BadRequestError {
  override readonly name: string = "ContextLengthExceededError";
  constructor(message: string) {
    super(message, "messages", "context_length_exceeded");
  }
}

/** The caller aborted: through `signal`, `stream.controller.abort()`, or by leaving a `for await`. */
export class APIUserAbortError extends APIError {
  override readonly name: string = "APIUserAbortError";
  constructor(message = "Request was aborted.") {
    super(undefined, message, { type: null, code: "aborted" });
  }
}

/**
 * 503: the engine cannot run here: no WebGPU, a missing GPU feature such as `shader-f16`, a lost
 * device, or a worker that died. The message says what the user can do about it.
 */
export class EngineUnavailableError extends APIError {
  override readonly name: string = "EngineUnavailableError";
  constructor(message: string, code: string | null = "engine_unavailable") {
    super(503, message, { type: "server_error", code });
  }
}

/** 502: the weights or the model library could not be fetched or read. */
export class ModelLoadError extends APIError {
  override readonly name: string = "ModelLoadError";
  /** The URL that failed, where known. */
  readonly url: string | null;
  /** The HTTP status of that URL, where known (0 for a network failure). */
  readonly httpStatus: number | null;

  constructor(message: string, url: string | null = null, httpStatus: number | null = null) {
    super(502, message, { type: "server_error", code: "model_load_failed" });
    this.url = url;
    this.httpStatus = httpStatus;
  }
}

/**
 * 507: the model does not fit the browser's storage quota, found before anything large is
 * downloaded. `neededBytes` is what the download still needs, `availableBytes` what the quota
 * leaves (both as the browser's storage estimate reports them).
 */
export class InsufficientStorageError extends APIError {
  override readonly name: string = "InsufficientStorageError";
  constructor(
    message: string,
    readonly neededBytes: number | null = null,
    readonly availableBytes: number | null = null,
  ) {
    super(507, message, { type: "server_error", code: "insufficient_storage" });
  }
}

/** 500: anything else. pagellm never throws a bare string. */
export class InternalServerError extends APIError {
  override readonly name: string = "InternalServerError";
  constructor(message: string) {
    super(500, message, { type: "server_error", code: "internal_error" });
  }
}

/** Turns anything thrown into one of our classes; a stray `Error` becomes an `InternalServerError`. */
export function toAPIError(err: unknown): APIError {
  if (err instanceof APIError) return err;
  if (err instanceof Error) return new InternalServerError(`${err.name}: ${err.message}`);
  return new InternalServerError(`Unexpected error: ${String(err)}`);
}
