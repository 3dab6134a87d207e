import type { ChatCompletionChunk } from "../../src/openai/chat.js";

/** A plain content-delta chunk whose text is `t{i}`, for transport tests. */
export const chunk = (i: number): ChatCompletionChunk => ({
  id: "chatcmpl-test",
  object: "chat.completion.chunk",
  created: 1,
  model: "fake-1",
  choices: [{ index: 0, delta: { content: `t${i}` }, finish_reason: null, logprobs: null }],
});
