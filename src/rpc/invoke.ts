import { transfer } from "comlink";
import { APIUserAbortError, InternalServerError } from "../errors/classes.js";
import { Stream } from "../engine/stream.js";
import { Call, send } from "./call.js";
import type { Connection } from "./connection.js";
import { notPlain } from "./plain.js";
import type { EndpointName } from "./wire.js";

/** Per-call options, as in the `openai` package. */
export interface RequestOptions {
  /** Aborting it cancels the request; the call rejects (or the stream throws) `APIUserAbortError`. */
  signal?: AbortSignal | undefined;
}

const abandoned = new FinalizationRegistry<Call>((call) => call.cancel());

/**
 * The page's side of one endpoint call: checks that the body can be sent, opens the call's own
 * port, and resolves with the worker's result, or with a `Stream` of what it streams once the
 * first item has arrived (so request errors reject here, not in the middle of a stream).
 * Every endpoint's page class is a thin shell around this.
 */
export async function invoke<Item>(live: () => Promise<Connection>, endpoint: EndpointName, body: unknown, options: RequestOptions, stream: boolean): Promise<unknown> {
  if (options.signal?.aborted) throw new APIUserAbortError();
  const impure = notPlain(body);
  if (impure) throw impure;
  const controller = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, controller.signal]) : controller.signal;
  const connection = await live();
  const call = new Call<Item>(connection, signal);
  const port = call.handOff(stream);
  send(call, port, body, connection.rpc((host) => host.call(endpoint, body, transfer(port, [port]))));
  const first = await call.next();
  if (!stream) {
    if (first?.t !== "result") throw new InternalServerError("The worker ended the call without a result.");
    return first.result;
  }
  if (first?.t !== "chunk") throw new InternalServerError("The worker ended the stream before it began.");
  const result = new Stream<Item>(async function* () {
    let done = false;
    try {
      yield first.chunk;
      for (let msg = await call.next(); msg; msg = await call.next()) if (msg.t === "chunk") yield msg.chunk;
      done = true;
    } finally {
      // Leaving the loop early lands here: tell the worker to stop and free the model.
      if (!done) call.cancel();
    }
  }, controller);
  // A stream that is dropped without being read would hold the model's one queue until the
  // worker goes away; once the page forgets it, cancel it.
  abandoned.register(result, call);
  return result;
}
