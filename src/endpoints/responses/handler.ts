import { APIUserAbortError, ContextLengthExceededError } from "../../errors/classes.js";
import type { ChatCompletionMessageParam } from "../../openai/chat.js";
import type { ResponseStreamEvent } from "../../openai/responses.js";
import type { EndpointHandler } from "../../runtime/endpoint.js";
import { generateRequestFor } from "../chat/constraint.js";
import { runPipeline } from "../chat/pipeline.js";
import { storeOf } from "./options.js";
import { checkSupport, fit, newResponse, previousContext, resolveItems } from "./prepare.js";
import { countThinking, toEvents, type RunResult } from "./run.js";
import { storage, type ResponseStore, type StoredResponse } from "./store.js";
import { startsThinking } from "./think.js";
import { dropOldest, toChatMessages, toChatRequest } from "./translate.js";
import { validateResponses } from "./validate.js";
import { ResponseWriter } from "./writer.js";

const TERMINAL = new Set(["response.completed", "response.incomplete", "response.failed"]);

/**
 * The worker side of `responses.create`. The request becomes a chat request (the stored chain's
 * conversation, then the input) and runs through chat's own validation, queue and pipeline; the
 * pipeline's chunks become the Responses API's events. Everything that can fail without the GPU
 * fails before the request is queued, the store's first write included. The last event waits
 * until the finished response is stored, so a write that fails fails the call (a 507) instead of
 * leaving a completed response that `previous_response_id` cannot find.
 */
export const responsesCreate: EndpointHandler = async (params, { lane, call, moderate, onProgress, owner }) => {
  const req = validateResponses(params);
  const store = storeOf(lane);
  const input = await resolveItems(req.input, store);
  const conversation = [...(await previousContext(req, store)), ...toChatMessages(input)];
  await checkSupport(req, lane);
  lane.checkSwitch(req.model, owner);
  let { chat, generate } = await fit(lane, toChatRequest(req, conversation), req.truncation);
  const writer = new ResponseWriter(newResponse(req));
  const response = writer.response;
  const record: StoredResponse | null = req.store
    ? { id: response.id, createdAt: Date.now(), response, input, context: conversation, itemIds: input.map((i) => i.id ?? "") }
    : null;
  // Written now, `in_progress`, so that a store that cannot be written fails before any GPU work.
  if (record) await storage("write to", () => store.put(record));

  const result: RunResult = { assistant: null, raw: "", error: null };
  let last: ResponseStreamEvent | undefined;
  const thinking = { start: startsThinking(req.model), tokens: { tokens: 0 } };
  try {
    await lane.queue.push(async () => {
      await lane.ensureLoaded(req.model, call.signal, onProgress);
      for (;;) {
        const run = runPipeline(chat, generate, {
          backend: countThinking(lane, thinking.start, thinking.tokens),
          signal: call.signal,
          moderate: moderate ? (text) => call.moderate(text) : undefined,
        });
        try {
          for await (const ev of toEvents(run, writer, thinking, result)) {
            if (TERMINAL.has(ev.type)) last = ev;
            else if (req.stream) await call.send({ t: "chunk", chunk: ev });
          }
          return;
        } catch (err) {
          // A backend that cannot count tokens ahead finds the overflow only here, before any output.
          const shorter = req.truncation === "auto" && err instanceof ContextLengthExceededError && !writer.started ? dropOldest(chat.messages) : null;
          if (!shorter) throw err;
          chat = { ...chat, messages: shorter };
          generate = generateRequestFor(chat, lane.backend.capabilities);
        }
      }
    }, call.signal, owner);
  } catch (err) {
    await settleRecord(record, store, writer, call.signal.aborted, conversation, result.raw);
    throw err;
  }
  if (call.signal.aborted) {
    await settleRecord(record, store, writer, true, conversation, result.raw);
    throw new APIUserAbortError();
  }
  if (record) {
    record.context = result.assistant ? [...conversation, result.assistant] : conversation;
    record.itemIds.push(...response.output.map((o) => o.id ?? ""));
    await storage("write to", () => store.put(record));
  }
  if (req.stream) {
    if (last) await call.send({ t: "chunk", chunk: last });
    call.post({ t: "end" });
  } else {
    if (result.error) throw result.error;
    call.post({ t: "result", result: response });
  }
  call.close();
};

/**
 * After a run that did not finish: an aborted response is kept as `cancelled`, with what it had
 * written (so that a conversation can go on from a reply the user stopped); a request that
 * failed before any output is taken out of the store, as it never produced a response. Best
 * effort: the caller is already gone or already has an error.
 */
async function settleRecord(
  record: StoredResponse | null,
  store: ResponseStore,
  writer: ResponseWriter,
  aborted: boolean,
  conversation: ChatCompletionMessageParam[],
  raw: string,
): Promise<void> {
  if (!record) return;
  try {
    if (aborted && writer.started) {
      writer.cancel();
      record.context = raw ? [...conversation, { role: "assistant", content: raw }] : conversation;
      record.itemIds.push(...writer.response.output.map((o) => o.id ?? ""));
      await store.put(record);
    } else {
      await store.delete(record.id);
    }
  } catch {
    // Nobody is left to tell: the call has already failed or been cancelled.
  }
}
