import type { GenerateRequest } from "../../backends/backend.js";
import { ContextLengthExceededError, NotFoundError } from "../../errors/classes.js";
import type { ChatCompletionMessageParam } from "../../openai/chat.js";
import type { Response, ResponseItem } from "../../openai/responses.js";
import { newId, unixSeconds } from "../../runtime/ids.js";
import type { Lane } from "../../runtime/lane.js";
import { generateRequestFor } from "../chat/constraint.js";
import type { ValidRequest } from "../chat/validate.js";
import { bad } from "./checks.js";
import { previousNotFound, storage, type ResponseStore } from "./store.js";
import { dropOldest } from "./translate.js";
import type { ValidResponsesRequest } from "./validate.js";
import type { InputEntry } from "./validate-input.js";

/** The conversation a request continues: the stored chain's messages, or none. */
export async function previousContext(req: ValidResponsesRequest, store: ResponseStore): Promise<ChatCompletionMessageParam[]> {
  const id = req.previous_response_id;
  if (id === null) return [];
  const previous = await storage("read", () => store.get(id));
  if (!previous) throw previousNotFound(id);
  return previous.context;
}

/** The input with every `item_reference` replaced by the stored item it names (a 404 when none is). */
export async function resolveItems(entries: InputEntry[], store: ResponseStore): Promise<ResponseItem[]> {
  return Promise.all(
    entries.map(async (e) => {
      if (!("ref" in e)) return e;
      const record = await storage("read", () => store.findItem(e.ref));
      const item = record && [...record.input, ...(record.response.output as ResponseItem[])].find((i) => i.id === e.ref);
      if (!item) throw new NotFoundError(`Item with id '${e.ref}' not found.`, e.param, null);
      return item;
    }),
  );
}

/** Refuses, naming the field, what the serving backend or the model cannot do. */
export async function checkSupport(req: ValidResponsesRequest, lane: Lane): Promise<void> {
  const model = await lane.find(req.model);
  const caps = lane.backend.capabilities;
  const format = req.format.type;
  if ((format === "json_object" && !caps.jsonObject) || (format === "json_schema" && !caps.jsonSchema)) {
    throw bad(`This backend cannot constrain output: 'text.format' of type '${format}' is not supported.`, "text.format");
  }
  if (req.tools.length > 0 && req.tool_choice !== "none" && !model.tools) {
    throw bad(`The model '${req.model}' does not support tool calling. Pick a model whose models.list() entry has tools: true.`, "tools");
  }
}

/**
 * The backend's request, checked against the context window before the queue (where the backend
 * can count tokens). With `truncation: "auto"`, the oldest messages are dropped until it fits.
 */
export async function fit(lane: Lane, chat: ValidRequest, truncation: "auto" | "disabled"): Promise<{ chat: ValidRequest; generate: GenerateRequest }> {
  let current = chat;
  for (;;) {
    const generate = generateRequestFor(current, lane.backend.capabilities);
    try {
      await lane.backend.preflight?.(generate);
      return { chat: current, generate };
    } catch (err) {
      const shorter = truncation === "auto" && err instanceof ContextLengthExceededError ? dropOldest(current.messages) : null;
      if (!shorter) throw err;
      current = { ...current, messages: shorter };
    }
  }
}

/** A new response, `in_progress`, echoing the request as OpenAI's API does. */
export function newResponse(req: ValidResponsesRequest): Response {
  return {
    id: newId("resp_", 40),
    object: "response",
    created_at: unixSeconds(),
    status: "in_progress",
    background: false,
    completed_at: null,
    error: null,
    incomplete_details: null,
    instructions: req.instructions,
    max_output_tokens: req.max_output_tokens,
    max_tool_calls: req.max_tool_calls,
    metadata: req.metadata,
    model: req.model,
    output: [],
    output_text: "",
    parallel_tool_calls: req.parallel_tool_calls,
    previous_response_id: req.previous_response_id,
    prompt_cache_key: req.prompt_cache_key,
    reasoning: { effort: null, summary: null },
    safety_identifier: req.safety_identifier,
    service_tier: "default",
    store: req.store,
    temperature: req.temperature ?? 1,
    text: { format: req.format, verbosity: "medium" },
    tool_choice: req.tool_choice,
    tools: req.tools,
    top_logprobs: 0,
    top_p: req.top_p ?? 1,
    truncation: req.truncation,
    ...(req.user !== null ? { user: req.user } : {}),
  };
}
