/**
 * Qwen2.5 and Qwen3: tools in the system message, calls in `<tool_call>` JSON blocks, results
 * in `<tool_response>` blocks inside one user turn.
 *
 * Sources (the models' published chat templates):
 * - Qwen2.5: the `chat_template` of Qwen2.5-Instruct's tokenizer_config.json, as quoted in
 *   ShishirPatil/gorilla, berkeley-function-call-leaderboard/bfcl/model_handler/oss_model/qwen.py
 *   (the same template serves Qwen2 and Qwen2.5, per that file); Qwen's own guide is
 *   QwenLM/Qwen2.5, docs/source/framework/function_call.md.
 * - Qwen3: models/templates/Qwen-Qwen3-0.6B.jinja in llama.cpp (as mirrored in
 *   ye-NX/llama.cpp).
 * The two differ in one thing: without a system message Qwen2.5 writes its default identity
 * ("You are Qwen, created by Alibaba Cloud. ..."), Qwen3 writes none. Qwen3's template also
 * drops `<think>` blocks from turns before the last user query; assistant text is passed through
 * as the app sent it here, which keeps WebLLM's KV cache valid (WebLLM stores the raw reply).
 *
 * WebLLM's conversation template for both is mlc-llm's `qwen2` (ChatML; mlc-ai/mlc-llm,
 * python/mlc_llm/conversation_template/qwen2.py; Qwen3's config shown in mlc-ai/web-llm,
 * tests/constants.ts). Its only tool-less role is what the templates already use: results go in
 * a user turn, so every rendered message is a plain system, user or assistant message.
 */
import type { ParsedCall, RenderInput, ToolFormat } from "./format.js";
import { choiceCue, joinParts, normalize, offered, pyJson } from "./messages.js";
import { argsOf, TAG_OPEN, tagCallText, tagParse, tagSyntax, tagTurns } from "./tool-call-tags.js";

/** Qwen2.5's default identity (its template), written when the app sends no system message. */
export const QWEN25_DEFAULT_SYSTEM = "You are Qwen, created by Alibaba Cloud. You are a helpful assistant.";

/** The tools section both templates write after the system text; quoted from the templates. */
function toolsSection(input: RenderInput): string {
  const lines = offered(input).map((t) => "\n" + pyJson(t)).join("");
  const head =
    "# Tools\n\nYou may call one or more functions to assist with the user query.\n\n" +
    "You are provided with function signatures within <tools></tools> XML tags:\n<tools>";
  const tail =
    "\n</tools>\n\nFor each function call, return a json object with function name and arguments within " +
    '<tool_call></tool_call> XML tags:\n<tool_call>\n{"name": <function-name>, "arguments": <args-json-object>}\n</tool_call>';
  const cue = choiceCue(input);
  return head + lines + tail + (cue ? `\n\n${cue}` : "");
}

function qwenFormat(name: string, defaultSystem: string | null): ToolFormat {
  return {
    name,
    native: true,
    parallel: true,
    syntax: tagSyntax(),
    openers: [TAG_OPEN],
    leadingOpeners: [],
    render(input) {
      const conv = normalize(input.messages);
      const tools = offered(input).length > 0;
      const base = conv.system ?? defaultSystem;
      const system = tools ? joinParts([base, toolsSection(input)], "\n\n") : base;
      return tagTurns(system, conv.turns);
    },
    parse: (raw) => tagParse(raw),
    callText: (calls: readonly ParsedCall[]) => tagCallText(calls.map((c) => ({ name: c.name, args: argsOf(c) }))),
  };
}

/** Qwen2.5 (Instruct and Coder-Instruct). */
export const qwen25Format: ToolFormat = qwenFormat("qwen2.5", QWEN25_DEFAULT_SYSTEM);

/** Qwen3. */
export const qwen3Format: ToolFormat = qwenFormat("qwen3", null);
