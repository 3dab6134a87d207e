import type { ToolFormat } from "./format.js";
import { genericJsonFormat } from "./generic-json.js";
import { llama3Format } from "./llama3.js";
import { ministral3Format } from "./ministral3.js";
import { mistralV3Format } from "./mistral.js";
import { hermes2ProFormat, hermes3Format } from "./nous-hermes.js";
import { phi4MiniFormat } from "./phi4mini.js";
import { qwen25Format, qwen3Format } from "./qwen.js";
import { qwen35Format } from "./qwen35.js";
import { smollm2Format } from "./smollm2.js";

/**
 * Model ids that get no tools: models that are not chat models (embeddings), base models with
 * no instruction tuning, and math-only fine-tunes, which answer with worked solutions and were
 * trained on no tool traffic at all. Each pattern is anchored on WebLLM's id naming.
 */
const NO_TOOLS: RegExp[] = [
  /^snowflake-arctic-embed/i,
  /-Base-/i,
  /^phi-1_5-/i,
  /^phi-2-/i,
  /^Qwen2(\.5)?-Math-/i,
  /^WizardMath-/i,
];

/**
 * The family table: the first pattern that matches an id names its format. Order matters where
 * ids overlap (Hermes 3 is built on Llama 3.1, and is matched first). Families with no format of
 * their own (gemma 2 and 3, gemma 4, Phi-3 and 3.5, Llama 2 and 3.0, TinyLlama, OLMo 2,
 * StableLM 2, RedPajama, Qwen2, OpenHermes and NeuralHermes, Mistral v0.2, DeepSeek-R1
 * distills, and any id this table does not know) get the generic protocol.
 */
const FAMILIES: [RegExp, ToolFormat][] = [
  [/^Hermes-3-/i, hermes3Format],
  [/^Hermes-2-(Pro|Theta)-/i, hermes2ProFormat],
  [/^Llama-3\.[1-9]\d*-[\w.-]*Instruct/i, llama3Format],
  [/^Qwen2\.5-[\w.-]*Instruct/i, qwen25Format],
  [/^Qwen3\.5-/i, qwen35Format],
  [/^Qwen3-/i, qwen3Format],
  [/^Mistral-7B-Instruct-v0\.3-/i, mistralV3Format],
  [/^Ministral-3-/i, ministral3Format],
  [/^Phi-4-mini-/i, phi4MiniFormat],
  [/^SmolLM2-[\w.-]*Instruct/i, smollm2Format],
];

/**
 * The tool-call format for a model id: its family's own format, the generic JSON protocol for a
 * chat model without one (including ids this table does not know, such as an app's own model
 * records or the fake backend's `fake-1`), or `null` for a model that gets no tools.
 */
export function toolFormatFor(modelId: string): ToolFormat | null {
  if (NO_TOOLS.some((re) => re.test(modelId))) return null;
  return FAMILIES.find(([re]) => re.test(modelId))?.[1] ?? genericJsonFormat;
}

/** Every format, by name: for labels and for tests that go through them all. */
export const TOOL_FORMATS: readonly ToolFormat[] = [
  qwen25Format,
  qwen3Format,
  qwen35Format,
  hermes2ProFormat,
  hermes3Format,
  llama3Format,
  mistralV3Format,
  ministral3Format,
  phi4MiniFormat,
  smollm2Format,
  genericJsonFormat,
];
