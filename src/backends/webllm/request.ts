import type { ChatCompletionMessageParam as WebLLMMessage, ChatCompletionRequestStreaming } from "@mlc-ai/web-llm";
import type { ChatCompletionMessageParam } from "../../openai/chat.js";
import type { GenerateRequest } from "../backend.js";
import { contentText } from "../../openai/content.js";
import { jsonObjectGrammar } from "../../tools/grammar.js";

/**
 * WebLLM fills its conversation template with `String.prototype.replace`, without escaping, so
 * a `$` in a message is read as a replacement pattern: `$$` became `$`, and `$&` the placeholder
 * itself. Doubling every `$` makes it arrive as it was written.
 */
const text = (content: unknown): string => contentText(content).replace(/\$/g, "$$$$");

/**
 * Our messages in WebLLM's shape. WebLLM takes only string content for text models (it rejects
 * content arrays unless the model is a VLM) and has no `developer` role, which OpenAI treats as
 * `system` for non-reasoning models.
 */
export function toWebLLMMessages(messages: ChatCompletionMessageParam[]): WebLLMMessage[] {
  return messages.map((m): WebLLMMessage => {
    switch (m.role) {
      case "system":
      case "developer":
        return { role: "system", content: text(m.content) };
      case "user":
        return m.name ? { role: "user", content: text(m.content), name: m.name } : { role: "user", content: text(m.content) };
      case "assistant":
        return { role: "assistant", content: text(m.content ?? "") };
      case "tool":
        return { role: "tool", content: text(m.content), tool_call_id: m.tool_call_id };
    }
  });
}

/**
 * The streaming request for `MLCEngine.chatCompletion`. Only fields that are set are passed, so
 * WebLLM's own defaults (from the model's `mlc-chat-config.json`) apply otherwise. `tools` and
 * `tool_choice` are never passed: WebLLM accepts them for five Hermes ids only, and the host has
 * already rendered tools into the prompt. `stop` is not passed either: the host applies stop
 * sequences itself, on the text it streams.
 */
export function toWebLLMRequest(model: string, req: GenerateRequest): ChatCompletionRequestStreaming {
  const out: ChatCompletionRequestStreaming = {
    model,
    stream: true,
    stream_options: { include_usage: true },
    messages: toWebLLMMessages(req.messages),
    temperature: req.temperature,
    // OpenAI allows top_p = 0 (only the likeliest token); WebLLM requires top_p > 0.
    top_p: req.top_p > 0 ? req.top_p : 1e-6,
  };
  if (req.max_tokens !== null) out.max_tokens = req.max_tokens;
  if (req.seed !== null) out.seed = req.seed;
  if (req.presence_penalty !== 0) out.presence_penalty = req.presence_penalty;
  if (req.frequency_penalty !== 0) out.frequency_penalty = req.frequency_penalty;
  if (req.logit_bias !== null && Object.keys(req.logit_bias).length > 0) out.logit_bias = req.logit_bias;
  if (req.logprobs) {
    out.logprobs = true;
    if (req.top_logprobs !== null) out.top_logprobs = req.top_logprobs;
  }
  const format = req.response_format;
  // A forced tool call's grammar wins: the output is a call, whatever the answer's format.
  // (`schemaParam` below follows the same order.)
  if (req.tool_constraint?.grammar) {
    out.response_format = { type: "grammar", grammar: req.tool_constraint.grammar };
    return out;
  }
  if (req.tool_tag) {
    out.response_format = { type: "structural_tag", structural_tag: req.tool_tag as never };
    return out;
  }
  // WebLLM 0.2.86 compiles a bare json_object as a schema of `undefined`, which xgrammar refuses;
  // our grammar is also stricter: one object, nothing around it, bounded whitespace.
  if (format?.type === "json_object") out.response_format = { type: "grammar", grammar: jsonObjectGrammar() };
  if (format?.type === "json_schema") {
    // WebLLM's JSON mode takes the schema as a string, under `type: "json_object"`.
    out.response_format = format.json_schema.schema
      ? { type: "json_object", schema: JSON.stringify(format.json_schema.schema) }
      : { type: "json_object" };
  }
  return out;
}

/**
 * The field whose schema WebLLM compiles into this request's grammar when the app wrote it: a
 * `json_schema` that no tool grammar overrides (the order `toWebLLMRequest` uses). Null when
 * pagellm wrote the grammar (a tool call's, or JSON mode's fixed one), so an error compiling it
 * is pagellm's, not the app's.
 */
export function schemaParam(req: GenerateRequest): "response_format" | null {
  if (req.tool_constraint?.grammar || req.tool_tag) return null;
  return req.response_format?.type === "json_schema" ? "response_format" : null;
}
