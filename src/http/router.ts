import { APIError, BadRequestError, InternalServerError, NotFoundError } from "../errors/classes.js";
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionCreateParams } from "../openai/chat.js";
import type { ModelDeleted, ModelInfo, ModelList } from "../openai/models.js";
import { Stream } from "../engine/stream.js";
import { readJsonBody, type RestRequest } from "./request.js";
import { jsonResponse, newRequestId, sseResponse } from "./reply.js";
import { sseBody } from "./sse.js";
import { responsesRoute, type RestResponses } from "../endpoints/responses/rest.js";

/** What the REST adapter needs from an engine: its `chat.completions` and `models`. */
export interface RestEngine {
  readonly chat: {
    readonly completions: {
      create(
        body: ChatCompletionCreateParams,
        options?: { signal?: AbortSignal | undefined },
      ): Promise<ChatCompletion | Stream<ChatCompletionChunk>>;
    };
  };
  readonly models: {
    list(): Promise<ModelList>;
    retrieve(id: string): Promise<ModelInfo>;
    delete(id: string): Promise<ModelDeleted>;
  };
  readonly responses: RestResponses;
}

// Routes match the end of the path, never the host or a prefix, so any `baseURL` works:
// `http://localhost/v1`, `/pagellm/v1`, `https://api.openai.com/v1` and so on.
const CHAT_COMPLETIONS = /\/chat\/completions\/?$/;
const MODELS = /\/models\/?$/;
const MODEL = /\/models\/([^/]+)\/?$/;

/** 405, for a known path asked with the wrong method. Carries the `Allow` header's value. */
export class MethodNotAllowedError extends APIError {
  override readonly name: string = "MethodNotAllowedError";
  constructor(
    method: string,
    path: string,
    readonly allow: string,
  ) {
    super(405, `Method ${method} is not allowed on ${path}; use ${allow}.`, { type: "invalid_request_error", code: "method_not_allowed" });
  }
}

function expect(req: RestRequest, allow: string): void {
  if (!allow.split(", ").includes(req.method)) throw new MethodNotAllowedError(req.method, req.path, allow);
}

async function chatCompletions(engine: RestEngine, req: RestRequest, started: number, limit: number): Promise<Response> {
  const body = (await readJsonBody(req.body, limit)) as ChatCompletionCreateParams;
  const result = await engine.chat.completions.create(body, req.signal ? { signal: req.signal } : {});
  if (!(result instanceof Stream)) return jsonResponse(result, result.id, started);
  // The engine resolves a stream only once its first chunk has arrived, so this read does not
  // wait, and request errors (400, 404) have already become proper error statuses above.
  const rest = result[Symbol.asyncIterator]();
  const first = await rest.next();
  if (first.done) throw new InternalServerError("The worker ended the stream before it began.");
  const stop = (): void => {
    result.controller.abort();
    rest.return?.().catch(() => {});
  };
  return sseResponse(sseBody({ first: first.value, rest, stop }, req.signal), first.value.id, started);
}

/** Answers one REST request from `engine`; throws for an error response. */
export async function route(engine: RestEngine, req: RestRequest, started: number, limit: number): Promise<Response> {
  const responses = responsesRoute(req.path);
  if (responses) {
    expect(req, responses.allow);
    return responses.run(req.method)(engine.responses, req, started, limit);
  }
  if (CHAT_COMPLETIONS.test(req.path)) {
    expect(req, "POST");
    return chatCompletions(engine, req, started, limit);
  }
  const one = MODEL.exec(req.path);
  if (one) {
    expect(req, "GET, DELETE");
    let id: string;
    try {
      id = decodeURIComponent(one[1] ?? "");
    } catch {
      throw new BadRequestError(`The model id in ${req.path} is not a valid URL-encoded string.`, "model");
    }
    const model = req.method === "DELETE" ? await engine.models.delete(id) : await engine.models.retrieve(id);
    return jsonResponse(model, newRequestId(), started);
  }
  if (MODELS.test(req.path)) {
    expect(req, "GET");
    return jsonResponse(await engine.models.list(), newRequestId(), started);
  }
  throw new NotFoundError(
    `Invalid URL (${req.method} ${req.path}). pagellm serves POST …/v1/chat/completions, …/v1/responses (and GET, DELETE …/v1/responses/{id}), GET …/v1/models and GET, DELETE …/v1/models/{model}.`,
    null,
    "unknown_url",
  );
}

