/**
 * SmolLM2 Instruct: the function-calling system prompt of its model repository, calls as a JSON list
 * in one `<tool_call>[...]</tool_call>` block (an empty list means no call), results in
 * `<tool_response>` blocks in user turns.
 *
 * Sources: SmolLM2's published chat template is plain ChatML with no tools; its tool prompt is
 * the one in HuggingFaceTB/SmolLM2-1.7B-Instruct's model repository, instructions_function_calling.md
 * (a Jinja `system_prompt` whose `{{ tools }}` is the JSON list of the tools), reproduced here
 * word for word, trailing spaces included. The history follows Ollama's published template for
 * its `smollm2` library model (template blob dfebd0343bdd): calls after the turn's text as
 * `<tool_call>[\n...\n]</tool_call>`, each result as a user turn
 * `<tool_response>\n...\n</tool_response>`. The tool prompt comes first; the app's system text,
 * which Ollama drops when tools are given, follows it.
 *
 * WebLLM's conversation template is mlc-llm's `chatml` (mlc-ai/mlc-llm, python/mlc_llm/
 * conversation_template/registry.py): system, user and assistant only, which is all this uses.
 */
import type { ChatCompletionMessageParam } from "../openai/chat.js";
import type { CallSyntax, ParsedCall, RenderInput, ToolFormat } from "./format.js";
import { parseJsonCalls } from "./json-calls.js";
import { choiceCue, joinParts, normalize, offered, plain, pyJson } from "./messages.js";
import { argsOf, callObjectText } from "./tool-call-tags.js";

function toolsPrompt(input: RenderInput): string {
  return (
    "You are an expert in composing functions. You are given a question and a set of possible functions. \n" +
    "Based on the question, you will need to make one or more function/tool calls to achieve the purpose. \n" +
    "If none of the functions can be used, point it out and refuse to answer. \n" +
    "If the given question lacks the parameters required by the function, also point it out.\n\n" +
    `You have access to the following tools:\n<tools>${pyJson(offered(input))}</tools>\n\n` +
    "The output MUST strictly adhere to the following format, and NO other text MUST be included.\n" +
    "The example format is as follows. Please make sure the parameter type is correct. If no function call is needed, please make the tool calls an empty list '[]'.\n" +
    '<tool_call>[\n{"name": "func_name1", "arguments": {"argument1": "value1", "argument2": "value2"}},\n... (more tool calls as required)\n]</tool_call>'
  );
}

const SYNTAX: CallSyntax = {
  begin: "<tool_call>",
  end: "</tool_call>",
  list: true,
  nameKey: "name",
  argsKey: "arguments",
  separator: "",
  listPunctuation: { open: "[\n", separator: ",\n", close: "\n]" },
};

function callsText(calls: readonly { name: string; args: unknown }[]): string {
  return `<tool_call>[\n${calls.map((c) => callObjectText(c.name, c.args)).join(",\n")}\n]</tool_call>`;
}

/** SmolLM2 Instruct (135M, 360M, 1.7B). */
export const smollm2Format: ToolFormat = {
  name: "smollm2",
  native: true,
  parallel: true,
  syntax: SYNTAX,
  openers: ["<tool_call>"],
  leadingOpeners: [],
  render(input) {
    const conv = normalize(input.messages);
    const tools = offered(input).length > 0;
    const system = tools ? joinParts([toolsPrompt(input), choiceCue(input), conv.system], "\n\n") : conv.system;
    const out: ChatCompletionMessageParam[] = system === null ? [] : [{ role: "system", content: system }];
    for (const t of conv.turns) {
      if (t.role === "tool") out.push({ role: "user", content: `<tool_response>\n${t.text}\n</tool_response>` });
      else if (t.role === "user") out.push(plain(t, t.text));
      else out.push(plain(t, joinParts([t.text, t.calls.length > 0 ? callsText(t.calls) : ""], "\n")));
    }
    return out;
  },
  parse: (raw: string): ParsedCall[] | null => parseJsonCalls(raw, smollm2Format, { argsKeys: ["arguments"] }),
  callText: (calls) => callsText(calls.map((c) => ({ name: c.name, args: argsOf(c) }))),
};
