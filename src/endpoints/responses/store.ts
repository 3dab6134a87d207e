import { APIError, BadRequestError, InsufficientStorageError, NotFoundError } from "../../errors/classes.js";
import type { ChatCompletionMessageParam } from "../../openai/chat.js";
import type { Response, ResponseItem } from "../../openai/responses.js";

/** One stored response: what `retrieve`, `inputItems.list` and `previous_response_id` read. */
export interface StoredResponse {
  id: string;
  /** When it was first written, in milliseconds since the epoch: the order of eviction. */
  createdAt: number;
  response: Response;
  /** Its input items, with ids, as `inputItems.list` lists them. */
  input: ResponseItem[];
  /**
   * The conversation up to and including this response's output, as the chat messages the model
   * saw (the output as the model wrote it, thinking included), without the instructions. The next
   * turn's prompt is exactly this plus its input, so the engine's KV cache covers all of it.
   */
  context: ChatCompletionMessageParam[];
  /** The ids of its input and output items, for `item_reference` input items. */
  itemIds: string[];
}

/**
 * Where stored responses live. The default keeps them in IndexedDB in the worker
 * (`indexedDbStore`); `serve({ responses: { store } })` replaces it, for example to test what a
 * failing write does. A store evicts by its own limits; its methods reject with the platform's
 * error (a `QuotaExceededError`, say), which the endpoint reports as a 507.
 */
export interface ResponseStore {
  get(id: string): Promise<StoredResponse | undefined>;
  /** Writes a record (a new one, or the same id again as generation ends), then evicts. */
  put(record: StoredResponse): Promise<void>;
  /** Removes a record; whether it was there. */
  delete(id: string): Promise<boolean>;
  /** The record that holds the input or output item `id`. */
  findItem(id: string): Promise<StoredResponse | undefined>;
}

/** The default store's limits. */
export interface StoreLimits {
  /** The most responses kept; the oldest go first. Default 1,000. */
  maxStored?: number;
  /** How long a response is kept, in milliseconds. Default 30 days, as OpenAI keeps them. */
  ttlMs?: number;
}

/** Defaults of `StoreLimits`. */
export const DEFAULT_LIMITS: Required<StoreLimits> = { maxStored: 1000, ttlMs: 30 * 24 * 60 * 60 * 1000 };

/**
 * Runs a store operation. Its failure becomes a 507 `InsufficientStorageError` that says what
 * failed and what to do: the request fails, and nothing is silently left unstored.
 */
export async function storage<T>(action: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof APIError) throw err;
    const why = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    const advice =
      (err as { name?: unknown })?.name === "QuotaExceededError"
        ? "The origin's storage quota is full: delete stored responses or free up space"
        : "IndexedDB is unavailable here (a private window, or storage blocked by the browser)";
    throw new InsufficientStorageError(`pagellm could not ${action} this device's response store (${why}). ${advice}, or send store: false.`);
  }
}

/** 404, for `retrieve`, `delete` and `inputItems.list` of an id that is not stored. */
export const responseNotFound = (id: string): NotFoundError => new NotFoundError(`Response with id '${id}' not found.`, null, null);

/** What OpenAI answers (a 400) for a `previous_response_id` that is not stored. */
export const previousNotFound = (id: string): BadRequestError =>
  new BadRequestError(`Previous response with id '${id}' not found.`, "previous_response_id", "previous_response_not_found");
