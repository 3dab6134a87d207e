import type { ChatCompletionTool } from "../../src/openai/chat.js";
import type { CallSyntax } from "../../src/tools/format.js";

/**
 * Call syntaxes as the tool-format files describe them (stand-ins until each family's file
 * exports its own): Hermes/Qwen's `<tool_call>` blocks, Llama 3.x's bare JSON and its
 * `<|python_tag|>` form, Mistral v0.3's `[TOOL_CALLS]` list, Phi-4-mini's `<|tool_call|>` list.
 */
export const families: Record<string, CallSyntax> = {
  hermes: { begin: "<tool_call>\n", end: "\n</tool_call>", list: false, nameKey: "name", argsKey: "arguments", separator: "\n" },
  llama: { begin: "", end: "", list: false, nameKey: "name", argsKey: "parameters", separator: "; " },
  llamaPython: { begin: "<|python_tag|>", end: "", list: false, nameKey: "name", argsKey: "parameters", separator: "; " },
  mistral: { begin: "[TOOL_CALLS]", end: "", list: true, nameKey: "name", argsKey: "arguments", separator: "" },
  phi4: { begin: "<|tool_call|>", end: "<|/tool_call|>", list: true, nameKey: "name", argsKey: "arguments", separator: "" },
};

const fn = (name: string, parameters?: Record<string, unknown>): ChatCompletionTool => ({
  type: "function",
  function: parameters ? { name, parameters } : { name },
});

/** Three tools: required and optional arguments with an enum, an array, and none at all. */
export const tools: ChatCompletionTool[] = [
  fn("get_weather", {
    type: "object",
    properties: {
      city: { type: "string", description: "City name" },
      unit: { type: "string", enum: ["celsius", "fahrenheit"] },
      days: { type: "integer" },
    },
    required: ["city"],
    additionalProperties: false,
  }),
  fn("add", {
    type: "object",
    properties: { terms: { type: "array", items: { type: "number" }, minItems: 2 } },
    required: ["terms"],
  }),
  fn("now"),
];

/** A call's JSON as Python's `json.dumps` writes it (`", "` and `": "`), as most templates do. */
export function pyJSON(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(pyJSON).join(", ")}]`;
  if (v && typeof v === "object") return `{${Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}: ${pyJSON(x)}`).join(", ")}}`;
  return JSON.stringify(v);
}

/** One call's object in a family's syntax. */
export function callObject(s: CallSyntax, name: string, args: unknown, json: (v: unknown) => string = pyJSON): string {
  return json({ [s.nameKey]: name, [s.argsKey]: args });
}

/** A reply holding `calls` exactly as the family writes them (Mistral's template puts a space before its list). */
export function reply(s: CallSyntax, calls: [string, unknown][], json: (v: unknown) => string = pyJSON): string {
  const objects = calls.map(([n, a]) => callObject(s, n, a, json));
  if (s.list) return `${s.begin}${s.begin === "[TOOL_CALLS]" ? " " : ""}[${objects.join(", ")}]${s.end}`;
  return objects.map((o) => `${s.begin}${o}${s.end}`).join(s.separator);
}
