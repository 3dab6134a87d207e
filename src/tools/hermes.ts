import type { ChatCompletionMessageParam, ChatCompletionMessageToolCall, ChatCompletionTool, ChatCompletionToolChoiceOption } from "../openai/chat.js";
import { contentText } from "../openai/content.js";

/** Where a model's tool calls begin in its raw output. */
export const TOOL_CALL_OPEN = "<tool_call>";
const TOOL_CALL_BLOCK = /<tool_call>\s*([\s\S]*?)\s*(?:<\/tool_call>|$)/g;

const textOf = contentText;

/**
 * Renders tool definitions and earlier tool traffic into plain chat messages in the Hermes
 * format, which Qwen2.5/Qwen3, Hermes and most small open models are trained on. pagellm does
 * this itself, rather than through WebLLM, because WebLLM accepts `tools` for only five model
 * ids and throws for every other one.
 */
export function renderTools(
  messages: ChatCompletionMessageParam[],
  tools: ChatCompletionTool[],
  choice: ChatCompletionToolChoiceOption,
): ChatCompletionMessageParam[] {
  const offered = choice === "none" ? [] : tools;
  const out: ChatCompletionMessageParam[] = [];
  for (const m of messages) {
    if (m.role === "assistant" && m.tool_calls?.length) {
      const calls = m.tool_calls.map(
        (c) => `${TOOL_CALL_OPEN}\n{"name": ${JSON.stringify(c.function.name)}, "arguments": ${c.function.arguments || "{}"}}\n</tool_call>`,
      );
      out.push({ role: "assistant", content: [textOf(m.content), ...calls].filter(Boolean).join("\n") });
    } else if (m.role === "tool") {
      out.push({ role: "user", content: `<tool_response>\n${textOf(m.content)}\n</tool_response>` });
    } else {
      out.push(m);
    }
  }
  if (offered.length === 0) return out;
  const signatures = offered.map((t) => JSON.stringify({ type: "function", function: t.function })).join("\n");
  let rule = "You may call one or more functions to assist with the user query.";
  if (choice === "required") rule = "You must call at least one function.";
  if (typeof choice === "object") rule = `You must call the function "${choice.function.name}".`;
  const system =
    `# Tools\n\n${rule}\n\nYou are provided with function signatures within <tools></tools> XML tags:\n<tools>\n${signatures}\n</tools>\n\n` +
    `For each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags:\n` +
    `<tool_call>\n{"name": <function-name>, "arguments": <args-json-object>}\n</tool_call>`;
  const first = out[0];
  if (first && (first.role === "system" || first.role === "developer")) {
    out[0] = { role: "system", content: `${textOf(first.content)}\n\n${system}` };
  } else {
    out.unshift({ role: "system", content: system });
  }
  return out;
}

/**
 * Parses the tool calls in a reply's raw text from its first `<tool_call>` on. Returns `null`
 * when any block is not a well-formed call, so the caller can fall back to plain content
 * instead of inventing a call the model did not make.
 */
export function parseToolCalls(raw: string, newId: () => string): ChatCompletionMessageToolCall[] | null {
  const calls: ChatCompletionMessageToolCall[] = [];
  for (const match of raw.matchAll(TOOL_CALL_BLOCK)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(match[1] ?? "");
    } catch {
      return null;
    }
    if (typeof parsed !== "object" || parsed === null) return null;
    const { name, arguments: args, parameters } = parsed as Record<string, unknown>;
    if (typeof name !== "string") return null;
    const value = args ?? parameters ?? {};
    calls.push({
      id: newId(),
      type: "function",
      function: { name, arguments: typeof value === "string" ? value : JSON.stringify(value) },
    });
  }
  return calls.length > 0 ? calls : null;
}
