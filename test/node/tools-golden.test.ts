/**
 * Golden rendering tests: each format's rendering of one conversation, put through WebLLM's
 * conversation template for that family (test/fixtures/tools/webllm-conv.ts), against the prompt
 * the family's published template writes for the same conversation (typed out by hand in
 * test/fixtures/tools/expected-*.ts). Where WebLLM's template cannot write what the published one
 * does, the difference is listed as a literal replacement with its reason.
 */
import { describe, expect, test } from "vitest";
import type { ToolFormat } from "../../src/tools/format.js";
import { genericJsonFormat } from "../../src/tools/generic-json.js";
import { llama3Format } from "../../src/tools/llama3.js";
import { ministral3Format } from "../../src/tools/ministral3.js";
import { mistralId, mistralV3Format } from "../../src/tools/mistral.js";
import { hermes2ProFormat, hermes3Format } from "../../src/tools/nous-hermes.js";
import { phi4MiniFormat } from "../../src/tools/phi4mini.js";
import { qwen25Format, qwen3Format } from "../../src/tools/qwen.js";
import { qwen35Format } from "../../src/tools/qwen35.js";
import { smollm2Format } from "../../src/tools/smollm2.js";
import * as chatml from "../fixtures/tools/expected-chatml.js";
import * as other from "../fixtures/tools/expected-other.js";
import { HISTORY, input, TURN1, withDifferences } from "../fixtures/tools/scenario.js";
import { CONV, webllmPrompt } from "../fixtures/tools/webllm-conv.js";

type Diff = readonly [string, string, string];

const prompt = (format: ToolFormat, conv: string, messages = HISTORY): string => {
  const template = CONV[conv];
  if (!template) throw new Error(`no template ${conv}`);
  return webllmPrompt(template, format.render(input(messages)));
};

const cases: { format: ToolFormat; conv: string; expected: string; diffs: Diff[] }[] = [
  { format: qwen25Format, conv: "qwen2", expected: chatml.QWEN_PROMPT, diffs: [] },
  { format: qwen3Format, conv: "qwen2", expected: chatml.QWEN_PROMPT, diffs: [] },
  {
    format: qwen35Format,
    conv: "qwen3_5",
    expected: chatml.QWEN35_PROMPT,
    diffs: [
      ["<|im_start|>assistant\n<tool_call>", "<|im_start|>assistant\n<think>\n\n</think>\n\n<tool_call>", "WebLLM's assistant header opens a think block; the rendering closes it empty"],
      ["<|im_start|>assistant\n21 °C.", "<|im_start|>assistant\n<think>\n\n</think>\n\n21 °C.", "the same for a turn with text"],
    ],
  },
  {
    format: hermes3Format,
    conv: "hermes3_llama-3_1",
    expected: chatml.HERMES3_PROMPT,
    diffs: [
      ["<|begin_of_text|>", "", "the template declares no BOS prefix; WebLLM's tokenizer adds what it adds"],
      ["</tool_call><|im_end|>\n<|im_start|>system\nYou are terse.", "</tool_call>\n\nYou are terse.", "WebLLM takes one system message: the app's text follows the tools prompt"],
      ["</tool_response>\n<|im_end|><|im_start|>assistant", "</tool_response><|im_end|>\n<|im_start|>assistant", "WebLLM's ChatML separators after a tool turn"],
    ],
  },
  {
    format: hermes2ProFormat,
    conv: "hermes2_pro_llama3",
    expected: chatml.HERMES2PRO_PROMPT,
    diffs: [
      ["<|begin_of_text|>You are a function", "<|im_start|>system\nYou are a function", "the tools prompt is a system turn (this copy of the template writes it bare)"],
      ['{"name": get_weather"', '{"name": "get_weather"', "this copy of the template drops a quote"],
      ["</tool_call><|im_end|><|im_start|>system\nYou are terse.", "</tool_call>\n\nYou are terse.", "one system message"],
      ['{ "arguments": {"city": "Paris"}, "name": "get_weather"}\n</tool_call> <|im_end|>', '{"arguments": {"city": "Paris"}, "name": "get_weather"}\n</tool_call><|im_end|>', "the call as the prompt's own example writes it, without the copy's stray spaces"],
      ['"content": "{\\"temp_c\\":21}"}\n</tool_response> <|im_end|>', '"content": {"temp_c": 21}}\n</tool_response><|im_end|>', "a JSON result as a JSON value, not a quoted string"],
    ],
  },
  {
    format: smollm2Format,
    conv: "chatml",
    expected: chatml.SMOLLM2_PROMPT,
    diffs: [
      ["]</tool_call><|im_end|>\n<|im_start|>user\nWeather", "]</tool_call>\n\nYou are terse.<|im_end|>\n<|im_start|>user\nWeather", "Ollama drops the app's system text when tools are given; it follows the tools prompt here"],
      ['"arguments": {"city":"Paris"}}', '"arguments": {"city": "Paris"}}', "arguments with Python's separators, as Hugging Face templates write them"],
    ],
  },
  { format: llama3Format, conv: "llama-3_1", expected: other.LLAMA_PROMPT, diffs: [] },
  {
    format: mistralV3Format,
    conv: "mistral_default",
    expected: other.mistralPrompt(mistralId("call_a1")),
    diffs: [
      ["Weather in Paris?[/INST][TOOL_CALLS]", "Weather in Paris? [/INST] [TOOL_CALLS]", "WebLLM's template puts a space around every header"],
      ["}]</s>[TOOL_RESULTS]", "}] [TOOL_RESULTS]", "WebLLM's template writes no </s> after an assistant turn"],
      ["[/TOOL_RESULTS] 21 °C.</s>[AVAILABLE_TOOLS]", "[/TOOL_RESULTS] [/INST] 21 °C. [AVAILABLE_TOOLS]", "WebLLM writes the assistant header [/INST] before every assistant turn"],
      ["And Rome?[/INST]", "And Rome? [/INST]", "the space before WebLLM's reply header"],
    ],
  },
  {
    format: ministral3Format,
    conv: "ministral3",
    expected: other.MINISTRAL3_PROMPT,
    diffs: [["[/SYSTEM_PROMPT][AVAILABLE_TOOLS]", "[/SYSTEM_PROMPT]{function_string}[AVAILABLE_TOOLS]", "WebLLM 0.2.86 leaves the template's {function_string} placeholder in the system prompt"]],
  },
  {
    format: phi4MiniFormat,
    conv: "phi-4",
    expected: other.PHI4_PROMPT,
    diffs: [
      ["<|system|>You are terse.", "<|system|><|system|>\nYou are terse.", "WebLLM's prefix token is <|system|>, then its system template writes another"],
      ["<|/tool|><|end|><|user|>Weather in Paris?<|end|>", "<|/tool|><|user|>\nWeather in Paris?<|end|>\n", "WebLLM's phi-4 template ends no system turn, and adds newlines"],
      ["<|assistant|><|tool_call|>", "<|assistant|>\n<|tool_call|>", "newline after the role"],
      ["<|/tool_call|><|end|><|tool_response|>", "<|/tool_call|><|end|>\n<|tool_response|>\n", "newlines"],
      ['"{\\"temp_c\\":21}"<|end|><|assistant|>21 °C.<|end|><|user|>And Rome?<|end|><|assistant|>', '{"temp_c": 21}<|end|>\n<|assistant|>\n21 °C.<|end|>\n<|user|>\nAnd Rome?<|end|>\n<|assistant|>\n', "a JSON result as a JSON value; newlines"],
    ],
  },
  { format: genericJsonFormat, conv: "gemma_instruction", expected: other.GENERIC_GEMMA_PROMPT, diffs: [] },
];

describe("each family's rendering, through WebLLM's template, is its published prompt", () => {
  for (const c of cases) {
    test(`${c.format.name} on ${c.conv}`, () => {
      expect(prompt(c.format, c.conv)).toBe(withDifferences(c.expected, c.diffs));
    });
  }
});

test("Qwen2.5 writes its default identity without a system message; Qwen3 writes none", () => {
  const question = TURN1.slice(1);
  expect(prompt(qwen25Format, "qwen2", question)).toBe(chatml.QWEN25_NO_SYSTEM);
  expect(prompt(qwen3Format, "qwen2", question)).toBe(chatml.QWEN3_NO_SYSTEM);
});

test("Mistral v0.3 puts the tools block and [INST] in the text of a last user turn that is first", () => {
  const messages = mistralV3Format.render(input(TURN1));
  expect(webllmPrompt(CONV["mistral_default"]!, messages)).toBe(
    '<s>[INST] [AVAILABLE_TOOLS] [{"type": "function", "function": {"name": "get_weather", "description": "Get the weather for a city", ' +
      '"parameters": {"type": "object", "properties": {"city": {"type": "string", "description": "City name"}}, "required": ["city"]}}}][/AVAILABLE_TOOLS]' +
      "[INST] You are terse.\n\nWeather in Paris? [/INST]",
  );
});
