import { BadRequestError } from "../../errors/classes.js";
import type { ChatCompletionMessageParam } from "../../openai/chat.js";

/**
 * The rules WebLLM 0.2.86 checks on a chat request's messages, so that the fake refuses what
 * the engine refuses and a test that passes on the fake cannot fail on a real model for a reason
 * the fake could have caught. The host turns every conversation OpenAI accepts into one that
 * passes (`endpoints/chat/conversation.ts`); a failure here is a conversation that reached the
 * backend without that, and WebLLM would throw the same error class (named in the message).
 * From `postInitAndCheckFields` and `getConversationFromChatCompletionRequest` in WebLLM's
 * lib/index.js.
 */
export function checkLikeWebLLM(messages: readonly ChatCompletionMessageParam[]): void {
  const refuse = (webllmError: string, why: string, index: number): never => {
    throw new BadRequestError(`WebLLM would refuse this conversation (${webllmError}): ${why}`, `messages[${index}]`);
  };
  if (messages.length === 0) refuse("MessageOrderError", "there are no messages.", 0);
  messages.forEach((m, i) => {
    if (m.role !== "system" && m.role !== "user" && m.role !== "assistant" && m.role !== "tool") {
      refuse("UnsupportedRoleError", `the role '${m.role}' is not one of system, user, assistant, tool.`, i);
    }
    if (m.role === "system" && i !== 0) refuse("SystemMessageOrderError", "a system message must be the first message.", i);
    if (m.role === "user" && typeof m.content !== "string") {
      refuse(Array.isArray(m.content) && m.content.length > 1 ? "MultipleTextContentError" : "UserMessageContentErrorForNonVLM", "a text model takes string content.", i);
    }
    if ((m.role === "system" || m.role === "assistant" || m.role === "tool") && typeof m.content !== "string") {
      refuse("ContentTypeError", `${m.role} content must be a string.`, i);
    }
  });
  const last = messages.at(-1);
  if (last && last.role !== "user" && last.role !== "tool") refuse("MessageOrderError", "the last message must be from the user or a tool.", messages.length - 1);
}
