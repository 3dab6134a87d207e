import type { GenerateRequest, ToolConstraint } from "../../backends/backend.js";
import type { ChatCompletionMessageParam } from "../../openai/chat.js";
import { contentText } from "../../openai/content.js";
import { toolFormatFor } from "../../tools/families.js";
import type { ToolFormat } from "../../tools/format.js";
import type { StructuralTag } from "../../tools/grammar.js";
import type { ValidRequest } from "./validate.js";

/** Whether a conversation carries tool traffic: assistant tool calls, or tool results. */
const hasToolTraffic = (messages: readonly ChatCompletionMessageParam[]): boolean =>
  messages.some((m) => m.role === "tool" || (m.role === "assistant" && (m.tool_calls?.length ?? 0) > 0));

/** The tool-call format the request uses: the model family's, when tools are offered or in the history. */
export function formatFor(req: ValidRequest): ToolFormat | null {
  const offered = req.tools.length > 0 && req.tool_choice !== "none";
  return offered || hasToolTraffic(req.messages) ? toolFormatFor(req.model) : null;
}

/**
 * A conversation OpenAI accepts, as one WebLLM accepts. WebLLM refuses a system message that is
 * not first, several system messages, the developer role, content arrays with several text parts,
 * and a conversation that does not end with a user or tool message; OpenAI takes all of them.
 * - System and developer messages are merged, in order, into one first system message, joined
 *   by a blank line, as OpenAI's own templates join system parts.
 * - Content parts are joined into one string, with nothing between them.
 * - A conversation that ends with the assistant gets an empty user turn after it: the model then
 *   writes the next assistant message, as OpenAI's API does, rather than continuing the last one.
 */
export function forWebLLM(messages: readonly ChatCompletionMessageParam[]): ChatCompletionMessageParam[] {
  const systems: string[] = [];
  const rest: ChatCompletionMessageParam[] = [];
  for (const m of messages) {
    if (m.role === "system" || m.role === "developer") systems.push(contentText(m.content));
    else if (typeof m.content === "string" || m.content === undefined || m.content === null) rest.push(m);
    else rest.push({ ...m, content: contentText(m.content) } as ChatCompletionMessageParam);
  }
  const out: ChatCompletionMessageParam[] = systems.length > 0 ? [{ role: "system", content: systems.join("\n\n") }, ...rest] : rest;
  const last = out.at(-1);
  if (!last || last.role === "assistant" || last.role === "system") out.push({ role: "user", content: "" });
  return out;
}

/** What the backend is asked for: the validated request, rendered for the model once. */
export function toGenerateRequest(req: ValidRequest, constraint: ToolConstraint | null = null, tag: StructuralTag | null = null): GenerateRequest {
  const format = formatFor(req);
  const offered = req.tool_choice === "none" ? [] : req.tools;
  const messages = format
    ? format.render({ messages: req.messages, tools: offered, toolChoice: req.tool_choice, parallelToolCalls: req.parallel_tool_calls })
    : req.messages;
  return {
    model: req.model,
    messages: forWebLLM(messages),
    conversation: req.messages,
    tool_constraint: constraint,
    tool_tag: tag,
    temperature: req.temperature,
    top_p: req.top_p,
    max_tokens: req.max_tokens,
    seed: req.seed,
    presence_penalty: req.presence_penalty,
    frequency_penalty: req.frequency_penalty,
    logit_bias: req.logit_bias,
    logprobs: req.logprobs,
    top_logprobs: req.top_logprobs,
    response_format: req.response_format,
  };
}
