import type { ChatCompletion, ChatCompletionChunk, ChatCompletionMessageToolCall, ChatCompletionTokenLogprob } from "../../openai/chat.js";
import { InternalServerError } from "../../errors/classes.js";

/** Folds a complete run of chunks into the `ChatCompletion` a non-streamed request returns. */
export function assemble(chunks: ChatCompletionChunk[]): ChatCompletion {
  const first = chunks[0];
  if (!first) throw new InternalServerError("The model produced no output.");
  let content = "";
  let finish: ChatCompletion["choices"][number]["finish_reason"] = "stop";
  // Calls by their stream index: the first delta names the call, later ones add arguments.
  const calls: ChatCompletionMessageToolCall[] = [];
  let logprobs: ChatCompletionTokenLogprob[] | null = null;
  let usage: ChatCompletion["usage"];
  for (const c of chunks) {
    if (c.usage) usage = c.usage;
    for (const choice of c.choices) {
      content += choice.delta.content ?? "";
      for (const t of choice.delta.tool_calls ?? []) {
        const call = calls[t.index];
        if (call) call.function.arguments += t.function?.arguments ?? "";
        else if (t.id && t.function?.name !== undefined) calls[t.index] = { id: t.id, type: "function", function: { name: t.function.name, arguments: t.function.arguments ?? "" } };
      }
      if (choice.logprobs?.content) (logprobs ??= []).push(...choice.logprobs.content);
      if (choice.finish_reason) finish = choice.finish_reason;
    }
  }
  const message: ChatCompletion["choices"][number]["message"] = {
    role: "assistant",
    content: calls.length > 0 && content === "" ? null : content,
    refusal: null,
  };
  if (calls.length > 0) message.tool_calls = calls;
  const completion: ChatCompletion = {
    id: first.id,
    object: "chat.completion",
    created: first.created,
    model: first.model,
    choices: [{ index: 0, message, finish_reason: finish, logprobs: logprobs ? { content: logprobs, refusal: null } : null }],
  };
  if (usage) completion.usage = usage;
  return completion;
}
