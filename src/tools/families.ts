/**
 * Model families that follow the Hermes `<tool_call>` format that pagellm renders tools into.
 * One table for every backend, so that the fake backend serving a real model id behaves like
 * that family (DESIGN.md), and the WebLLM catalog agrees with it.
 */
const TOOL_FAMILIES: RegExp[] = [
  /^Qwen2\.5-(?!Math)[\w.-]*Instruct/i,
  /^Qwen3(\.\d+)?-/i,
  /^Hermes-(2-Pro|2-Theta|3)-/i,
  /^Llama-3\.[1-9]\d*-[\w.-]*Instruct/i,
];

/** Whether a model of this id's family can make tool calls in the format pagellm parses. */
export function inToolFamily(id: string): boolean {
  return TOOL_FAMILIES.some((re) => re.test(id));
}
