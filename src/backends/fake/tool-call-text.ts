import { toolFormatFor } from "../../tools/families.js";

/** A call to script: the function's name and its arguments, as an object or as a JSON string. */
export interface ScriptedCall {
  name: string;
  arguments?: Record<string, unknown> | string;
}

/**
 * The raw text a model of `model`'s family writes for these tool calls, in its own format
 * (Hermes `<tool_call>` for Qwen, `<|python_tag|>` JSON for Llama 3.x, `[TOOL_CALLS]` for
 * Mistral, …), for scripting `fakeBackend({ reply })`. The text still goes through pagellm's real
 * parsing, exactly as a model's output does.
 *
 * @example
 * ```ts
 * fakeBackend({ models: [model], reply: [toolCallText(model, { name: "get_weather", arguments: { city: "Bern" } }), "21 °C in Bern."] });
 * ```
 */
export function toolCallText(model: string, calls: ScriptedCall | ScriptedCall[]): string {
  const format = toolFormatFor(model);
  if (!format) throw new Error(`The model '${model}' gets no tools in pagellm, so it makes no tool calls.`);
  const list = (Array.isArray(calls) ? calls : [calls]).map((c) => ({
    name: c.name,
    arguments: typeof c.arguments === "string" ? c.arguments : JSON.stringify(c.arguments ?? {}),
  }));
  return format.callText(list);
}
