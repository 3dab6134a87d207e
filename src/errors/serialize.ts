import type { SerializedError } from "../rpc/wire.js";
import {
  APIError,
  APIUserAbortError,
  BadRequestError,
  ContextLengthExceededError,
  EngineUnavailableError,
  InsufficientStorageError,
  InternalServerError,
  ModelLoadError,
  NotFoundError,
  toAPIError,
} from "./classes.js";

/** Flattens an error to data that survives `postMessage`. */
export function serializeError(err: unknown): SerializedError {
  const e = toAPIError(err);
  const out: SerializedError = { name: e.name, message: e.message, status: e.status, type: e.type, code: e.code, param: e.param };
  if (e instanceof ModelLoadError) out.extra = { url: e.url, httpStatus: e.httpStatus };
  if (e instanceof InsufficientStorageError) out.extra = { neededBytes: e.neededBytes, availableBytes: e.availableBytes };
  return out;
}

/** Rebuilds the right class from `serializeError`'s data, so `instanceof` works on the page. */
export function deserializeError(data: SerializedError): APIError {
  switch (data.name) {
    case "BadRequestError":
      return new BadRequestError(data.message, data.param, data.code);
    case "NotFoundError":
      return new NotFoundError(data.message, data.param, data.code);
    case "ContextLengthExceededError":
      return new ContextLengthExceededError(data.message);
    case "APIUserAbortError":
      return new APIUserAbortError(data.message);
    case "EngineUnavailableError":
      return new EngineUnavailableError(data.message, data.code);
    case "ModelLoadError": {
      const url = typeof data.extra?.url === "string" ? data.extra.url : null;
      const httpStatus = typeof data.extra?.httpStatus === "number" ? data.extra.httpStatus : null;
      return new ModelLoadError(data.message, url, httpStatus);
    }
    case "InsufficientStorageError": {
      const num = (v: unknown): number | null => (typeof v === "number" ? v : null);
      return new InsufficientStorageError(data.message, num(data.extra?.neededBytes), num(data.extra?.availableBytes));
    }
    case "InternalServerError":
      return new InternalServerError(data.message);
    default:
      // A custom backend's own APIError (a 429, say) keeps its status, type and code.
      return data.status === undefined || data.status === 500
        ? new InternalServerError(data.message)
        : new APIError(data.status, data.message, { type: data.type, code: data.code, param: data.param });
  }
}
