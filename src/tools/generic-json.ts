/**
 * The generic JSON protocol, for chat models that were not trained on a tool format of their own
 * (gemma, Phi-3.5, TinyLlama, Llama 2, OLMo 2, DeepSeek-R1 distills, ...). `models.list()` labels
 * it `"generic-json"` so an app can tell it from a native format.
 *
 * The protocol, in full:
 * - The system message gets the app's system text, a blank line, then the section below: each
 *   function's definition (name, description, parameters) as JSON, one per line, inside
 *   `<tools></tools>`, and how to call them.
 * - A call is `<tool_call>\n{"name": "<function>", "arguments": {...}}\n</tool_call>`, one block
 *   per call, blocks joined by a newline: the wire of Hermes and Qwen, the most common tool
 *   format in open models' training data, so even an untrained model has likely seen it.
 * - A turn with calls is written as its text, a newline, then its blocks.
 * - Results come back in one user message: each `<tool_response>\n<content>\n</tool_response>`,
 *   joined by a newline.
 * It uses only system, user and assistant messages, which every WebLLM conversation template
 * accepts.
 */
import type { ParsedCall, RenderInput, ToolFormat } from "./format.js";
import { choiceCue, joinParts, normalize, offered, pyJson } from "./messages.js";
import { argsOf, TAG_OPEN, tagCallText, tagParse, tagSyntax, tagTurns } from "./tool-call-tags.js";

/** The tool section of the generic protocol. */
export function genericToolsSection(input: RenderInput): string {
  const cue = choiceCue(input);
  return (
    "# Tools\n\nYou can call functions to help answer the user. The functions are listed below as JSON, one per line, " +
    "inside <tools></tools> tags:\n<tools>\n" +
    offered(input).map((t) => pyJson(t.function)).join("\n") +
    "\n</tools>\n\nTo call a function, reply with a JSON object inside <tool_call></tool_call> tags, and write nothing after it:\n" +
    '<tool_call>\n{"name": "<function name>", "arguments": <the arguments as a JSON object>}\n</tool_call>\n' +
    "To call several functions, write one <tool_call> block for each. The results come back inside " +
    "<tool_response></tool_response> tags. If no function is needed, answer normally." +
    (cue ? ` ${cue}` : "")
  );
}

/** The generic JSON protocol. */
export const genericJsonFormat: ToolFormat = {
  name: "generic-json",
  native: false,
  parallel: true,
  syntax: tagSyntax(),
  openers: [TAG_OPEN],
  leadingOpeners: [],
  render(input) {
    const conv = normalize(input.messages);
    const system = offered(input).length > 0 ? joinParts([conv.system, genericToolsSection(input)], "\n\n") : conv.system;
    return tagTurns(system, conv.turns);
  },
  parse: (raw) => tagParse(raw),
  callText: (calls: readonly ParsedCall[]) => tagCallText(calls.map((c) => ({ name: c.name, args: argsOf(c) }))),
};
