import { BadRequestError, InternalServerError } from "../../errors/classes.js";
import type { ResponseCreateParams } from "../../openai/responses-input.js";
import { Stream } from "../../engine/stream.js";
import { jsonResponse, newRequestId, sseResponse } from "../../http/reply.js";
import { readJsonBody, type RestRequest } from "../../http/request.js";
import { sseBody } from "../../http/sse.js";
import type { Responses } from "./responses.js";

/** What the REST routes need of an engine: its `responses`. */
export type RestResponses = Pick<Responses, "create" | "retrieve" | "delete" | "inputItems">;

type Run = (responses: RestResponses, req: RestRequest, started: number, limit: number) => Promise<Response>;

// `…/responses`, `…/responses/{id}` and `…/responses/{id}/input_items`, matched at the end of the path.
const ROUTE = /\/responses(?:\/([^/]+)(\/input_items)?)?\/?$/;

const create: Run = async (responses, req, started, limit) => {
  const body = (await readJsonBody(req.body, limit)) as ResponseCreateParams;
  const result = await responses.create(body, req.signal ? { signal: req.signal } : {});
  if (!(result instanceof Stream)) return jsonResponse(result, result.id, started);
  // The engine resolves a stream once its first event has arrived, so this read does not wait,
  // and request errors (400, 404) have already become proper error statuses above.
  const rest = result[Symbol.asyncIterator]();
  const first = await rest.next();
  if (first.done || first.value.type !== "response.created") throw new InternalServerError("The worker ended the stream before it began.");
  const stop = (): void => {
    result.controller.abort();
    rest.return?.().catch(() => {});
  };
  return sseResponse(sseBody({ first: first.value, rest, stop }, req.signal, true), first.value.response.id, started);
};

/** A JSON answer from the engine's `responses`, given the query as params (`limit` as a number). */
const answer =
  (work: (r: RestResponses, query: Record<string, unknown>) => Promise<unknown>): Run =>
  async (responses, req, started) => {
    const query: Record<string, unknown> = Object.fromEntries(req.query);
    if (query.limit !== undefined) query.limit = Number(query.limit);
    return jsonResponse(await work(responses, query), newRequestId(), started);
  };

/**
 * The Responses API's REST routes for `path`: the methods it allows, and how to answer each.
 * `null` when the path is not one of them.
 *
 * - `POST …/responses`: JSON, or `text/event-stream` with an `event:` and a `data:` line per event.
 * - `GET` and `DELETE …/responses/{id}`; `GET …/responses/{id}/input_items` (`after`, `limit`, `order`).
 */
export function responsesRoute(path: string): { allow: string; run: (method: string) => Run } | null {
  const m = ROUTE.exec(path);
  if (!m) return null;
  if (m[1] === undefined) return { allow: "POST", run: () => create };
  let id: string;
  try {
    id = decodeURIComponent(m[1]);
  } catch {
    throw new BadRequestError(`The response id in ${path} is not a valid URL-encoded string.`, "response_id");
  }
  if (m[2]) return { allow: "GET", run: () => answer((r, q) => r.inputItems.list(id, q)) };
  return {
    allow: "GET, DELETE",
    run: (method) =>
      answer((r, q) => {
        // A stored response is read whole: streaming it again (`stream`, `starting_after`) and `include` are not served.
        const key = Object.keys(q)[0];
        if (key !== undefined) throw new BadRequestError(`The query parameter '${key}' is not supported here.`, key);
        return method === "DELETE" ? r.delete(id) : r.retrieve(id);
      }),
  };
}
