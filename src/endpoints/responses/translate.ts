import type { ChatCompletionAssistantMessageParam, ChatCompletionCreateParams, ChatCompletionMessageParam } from "../../openai/chat.js";
import { contentText } from "../../openai/content.js";
import type { ResponseItem } from "../../openai/responses.js";
import { validateRequest, type ValidRequest } from "../chat/validate.js";
import { bad } from "./checks.js";
import type { ValidResponsesRequest } from "./validate.js";

/**
 * Input items as chat messages. A `function_call` joins the assistant message before it (the
 * text the model wrote before calling), as a chat completion carries text and calls in one
 * message; its `function_call_output` becomes a `tool` message. Reasoning items are left out:
 * the thinking models' own templates drop earlier thinking from the prompt.
 */
export function toChatMessages(items: readonly ResponseItem[]): ChatCompletionMessageParam[] {
  const out: ChatCompletionMessageParam[] = [];
  let assistant: ChatCompletionAssistantMessageParam | null = null;
  for (const item of items) {
    if (item.type === "message") {
      if (item.role === "assistant") out.push((assistant = { role: "assistant", content: contentText(item.content) }));
      else {
        assistant = null;
        out.push({ role: item.role, content: contentText(item.content) });
      }
    } else if (item.type === "function_call") {
      if (!assistant) out.push((assistant = { role: "assistant", content: null }));
      (assistant.tool_calls ??= []).push({ id: item.call_id, type: "function", function: { name: item.name, arguments: item.arguments } });
    } else if (item.type === "function_call_output") {
      assistant = null;
      out.push({ role: "tool", tool_call_id: item.call_id, content: typeof item.output === "string" ? item.output : contentText(item.output) });
    }
  }
  return out;
}

/**
 * The chat request that serves a Responses request: the same validation, pipeline and queue as
 * `chat.completions.create`. `conversation` is the whole conversation so far (a stored chain's
 * messages, then this input) without the instructions, which OpenAI applies to one response
 * only; the prompt is the instructions as a system message, then the conversation.
 */
export function toChatRequest(req: ValidResponsesRequest, conversation: ChatCompletionMessageParam[]): ValidRequest {
  const messages: ChatCompletionMessageParam[] = req.instructions !== null ? [{ role: "system", content: req.instructions }, ...conversation] : conversation;
  if (conversation.length === 0) throw bad("'input' must contain at least one message or function call output.", "input");
  const body: ChatCompletionCreateParams = { model: req.model, messages, parallel_tool_calls: req.parallel_tool_calls };
  if (req.temperature !== null) body.temperature = req.temperature;
  if (req.top_p !== null) body.top_p = req.top_p;
  if (req.max_output_tokens !== null) body.max_completion_tokens = req.max_output_tokens;
  if (req.user !== null) body.user = req.user;
  if (req.tools.length > 0) {
    body.tools = req.tools.map((t) => ({
      type: "function",
      function: { name: t.name, ...(t.description ? { description: t.description } : {}), ...(t.parameters ? { parameters: t.parameters } : {}), strict: t.strict },
    }));
    body.tool_choice = typeof req.tool_choice === "string" ? req.tool_choice : { type: "function", function: { name: req.tool_choice.name } };
  }
  const f = req.format;
  if (f.type === "json_object") {
    // OpenAI's own rule, as for chat's JSON mode: a model told nothing about JSON tends to emit endless whitespace.
    if (!JSON.stringify(messages).toLowerCase().includes("json")) {
      throw bad("Response input messages must contain the word 'json' in some form to use 'text.format' of type 'json_object'.", "input");
    }
    body.response_format = { type: "json_object" };
  } else if (f.type === "json_schema") {
    body.response_format = { type: "json_schema", json_schema: { name: f.name, schema: f.schema, strict: f.strict ?? null, ...(f.description ? { description: f.description } : {}) } };
  }
  // A non-streamed chat request: the pipeline then always counts usage, which every response carries.
  return { ...validateRequest(body), include_usage: true };
}

/**
 * `truncation: "auto"`: the conversation without its oldest message (and the tool results that
 * answer it), or null when only the newest message is left. System messages stay.
 */
export function dropOldest(messages: ChatCompletionMessageParam[]): ChatCompletionMessageParam[] | null {
  const first = messages.findIndex((m) => m.role !== "system" && m.role !== "developer");
  if (first < 0 || first === messages.length - 1) return null;
  let end = first + 1;
  while (end < messages.length - 1 && messages[end]?.role === "tool") end++;
  return [...messages.slice(0, first), ...messages.slice(end)];
}
