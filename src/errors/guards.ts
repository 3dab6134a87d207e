import type {
  APIError,
  APIUserAbortError,
  BadRequestError,
  ContextLengthExceededError,
  EngineUnavailableError,
  InsufficientStorageError,
  InternalServerError,
  ModelLoadError,
  NotFoundError,
} from "./classes.js";
import type { UsageError } from "./usage.js";

/**
 * Type guards that work across realms. pagellm's errors cross realms by design (worker → page,
 * page → service worker, an iframe's engine used by its parent), and `instanceof` fails for an
 * error built in another realm, or by another copy of pagellm in the same bundle. These guards
 * look at what survives every crossing: the literal `name` each class sets, and the fields.
 */

/** Each class's name, and the names of the classes that extend it. */
const FAMILY: Record<string, readonly string[]> = {
  BadRequestError: ["BadRequestError", "ContextLengthExceededError"],
};

const shaped = (e: unknown): e is { name: string; message: string } =>
  typeof e === "object" && e !== null && typeof (e as { name?: unknown }).name === "string" && typeof (e as { message?: unknown }).message === "string";

const named =
  <T>(name: string) =>
  (e: unknown): e is T =>
    isAPIError(e) && (FAMILY[name] ?? [name]).includes(e.name);

/**
 * Whether `e` is one of pagellm's API errors (any class with `status`, `type`, `code` and
 * `param`), from this realm or another. Also true for the `openai` package's `APIError`s, which
 * have the same fields: code that handles one handles both.
 */
export function isAPIError(e: unknown): e is APIError {
  if (!shaped(e)) return false;
  const o = e as unknown as Record<string, unknown>;
  return "status" in o && "type" in o && "code" in o && "param" in o;
}

/** 400, including `ContextLengthExceededError`. */
export const isBadRequestError = named<BadRequestError>("BadRequestError");
/** 404. */
export const isNotFoundError = named<NotFoundError>("NotFoundError");
/** 400 with `code: "context_length_exceeded"`. */
export const isContextLengthExceededError = named<ContextLengthExceededError>("ContextLengthExceededError");
/** The caller aborted. */
export const isAPIUserAbortError = named<APIUserAbortError>("APIUserAbortError");
/** 503: no WebGPU, a missing feature, a lost device, a dead worker. */
export const isEngineUnavailableError = named<EngineUnavailableError>("EngineUnavailableError");
/** 502: a model file could not be fetched or read. */
export const isModelLoadError = named<ModelLoadError>("ModelLoadError");
/** 507: the model does not fit the storage quota. */
export const isInsufficientStorageError = named<InsufficientStorageError>("InsufficientStorageError");
/** 500. */
export const isInternalServerError = named<InternalServerError>("InternalServerError");

/** A mistake in how pagellm was used (see `UsageError`). */
export function isUsageError(e: unknown): e is UsageError {
  return shaped(e) && e.name === "UsageError" && typeof (e as { subject?: unknown }).subject === "string";
}
