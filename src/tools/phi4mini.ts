/**
 * Phi-4-mini: tools as a JSON list between `<|tool|>` and `<|/tool|>` in the system message,
 * calls as a JSON list between `<|tool_call|>` and `<|/tool_call|>`.
 *
 * Sources: Phi-4-mini-instruct's published chat template and Microsoft's description of its tool
 * format (`<|system|>You are a helpful assistant with some tools.<|tool|>[{"name": ...,
 * "description": ..., "parameters": {...}}]<|/tool|><|end|>`), both quoted in ShishirPatil/gorilla,
 * berkeley-function-call-leaderboard/bfcl/model_handler/local_inference/phi_fc.py, which also
 * records the model's outputs: `<|tool_call|>[{"name": ..., "arguments": {...}}]<|/tool_call|>`,
 * often without the closing `<|/tool_call|>`, and sometimes objects joined by commas without the
 * list's brackets; both are accepted here. The published template writes neither calls nor
 * results in the history; this follows llama.cpp's adaptation,
 * models/templates/llama-cpp-microsoft-Phi-4-mini-instruct.jinja (ggml-org/llama.cpp): calls in
 * `<|tool_call|>` blocks after the turn's text, a result as a `<|tool_response|>` turn.
 *
 * WebLLM's conversation template is mlc-llm's `phi-4` (mlc-ai/mlc-llm, python/mlc_llm/
 * conversation_template/phi.py), which has no tool role: a result is a user message named
 * `<|tool_response|>`, written by WebLLM as its role header.
 */
import type { ChatCompletionMessageParam } from "../openai/chat.js";
import type { CallSyntax, ParsedCall, ToolFormat } from "./format.js";
import { parseJsonCalls } from "./json-calls.js";
import { argsJson, choiceCue, functionsOf, joinParts, normalize, plain, pyJson, resultJson } from "./messages.js";
import { argsOf } from "./tool-call-tags.js";

/** The system text Microsoft's example uses when tools are given and the app sets none. */
export const PHI4_TOOLS_SYSTEM = "You are a helpful assistant with some tools.";

/** The role header WebLLM writes for a tool result. */
export const PHI4_RESULT_ROLE = "<|tool_response|>";

const SYNTAX: CallSyntax = { begin: "<|tool_call|>", end: "<|/tool_call|>", list: true, nameKey: "name", argsKey: "arguments", separator: "" };

function callsText(calls: readonly { name: string; args: unknown }[]): string {
  const items = calls.map((c) => `{"name": ${JSON.stringify(c.name)}, "arguments": ${argsJson(c.args)}}`);
  return `<|tool_call|>[${items.join(", ")}]<|/tool_call|>`;
}

/** Phi-4-mini-instruct. */
export const phi4MiniFormat: ToolFormat = {
  name: "phi4-mini",
  native: true,
  parallel: true,
  syntax: SYNTAX,
  openers: ["<|tool_call|>", "["],
  leadingOpeners: ["["],
  render(input) {
    const conv = normalize(input.messages);
    const fns = functionsOf(input);
    const system =
      fns.length > 0
        ? joinParts([conv.system ?? PHI4_TOOLS_SYSTEM, choiceCue(input)], " ") + `<|tool|>${pyJson(fns)}<|/tool|>`
        : conv.system;
    const out: ChatCompletionMessageParam[] = system === null ? [] : [{ role: "system", content: system }];
    for (const t of conv.turns) {
      if (t.role === "tool") out.push({ role: "user", name: PHI4_RESULT_ROLE, content: resultJson(t.text) });
      else if (t.role === "user") out.push(plain(t, t.text));
      else out.push(plain(t, t.text + (t.calls.length > 0 ? callsText(t.calls) : "")));
    }
    return out;
  },
  parse: (raw: string): ParsedCall[] | null => parseJsonCalls(raw, phi4MiniFormat, { argsKeys: ["arguments", "parameters"], bareList: true }),
  callText: (calls) => callsText(calls.map((c) => ({ name: c.name, args: argsOf(c) }))),
};
