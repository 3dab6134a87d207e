import type { LoadProgress } from "../openai/models.js";
import type { CallPort } from "../rpc/call-port.js";
import type { Lane } from "./lane.js";

/** What the host gives an endpoint's worker side for one call. */
export interface EndpointContext {
  /** The shared backend, queue and loaded-model record. */
  lane: Lane;
  /** The call's own port: results, chunks under flow control, moderation, cancellation. */
  call: CallPort;
  /** Whether the page has a moderation hook (ask `call.moderate` before sending text). */
  moderate: boolean;
  /** The connection the call came on: its line in the lane's fair queue. */
  owner: object;
  /** Progress of a load the call starts. */
  onProgress: (progress: LoadProgress) => void;
}

/**
 * An endpoint's worker side: validates `params`, queues the work on the lane, and answers on
 * the call's port. It throws for a failure; the host sends the error to the page.
 */
export type EndpointHandler = (params: unknown, ctx: EndpointContext) => Promise<void>;
