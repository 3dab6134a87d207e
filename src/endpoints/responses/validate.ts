import type { FunctionTool, ResponseFormatTextConfig, ToolChoiceFunction, ToolChoiceOptions } from "../../openai/responses-input.js";
import { bad, bool, isObj, list, num, only, optStr, unset, type Obj } from "./checks.js";
import { validateInput, type InputEntry } from "./validate-input.js";

/** A `responses.create` request after validation: defaults filled in, one name per concept. */
export interface ValidResponsesRequest {
  model: string;
  input: InputEntry[];
  instructions: string | null;
  stream: boolean;
  store: boolean;
  previous_response_id: string | null;
  temperature: number | null;
  top_p: number | null;
  max_output_tokens: number | null;
  tools: FunctionTool[];
  tool_choice: ToolChoiceOptions | ToolChoiceFunction;
  parallel_tool_calls: boolean;
  format: ResponseFormatTextConfig;
  metadata: Record<string, string>;
  truncation: "auto" | "disabled";
  user: string | null;
  safety_identifier: string | null;
  prompt_cache_key: string | null;
  max_tool_calls: number | null;
}

/** Fields taken (some only with the values we can honour); anything else is a 400. */
const KNOWN = new Set([
  "model", "input", "instructions", "stream", "stream_options", "store", "previous_response_id", "temperature", "top_p",
  "max_output_tokens", "tools", "tool_choice", "parallel_tool_calls", "text", "metadata", "truncation", "user",
  "safety_identifier", "prompt_cache_key", "prompt_cache_retention", "service_tier", "max_tool_calls", "background",
  "include", "reasoning", "conversation", "prompt", "top_logprobs", "context_management", "moderation", "prompt_cache_options",
]);
const NAME = /^[a-zA-Z0-9_-]{1,64}$/;
const LOCAL = "a local engine cannot honour it.";

function tools(v: unknown): FunctionTool[] {
  if (unset(v)) return [];
  return list(v, "tools").map((t, i): FunctionTool => {
    const p = `tools[${i}]`;
    if (!isObj(t)) throw bad(`'${p}' must be an object.`, p);
    if (t.type !== "function") {
      throw bad(`Tool type ${JSON.stringify(t.type)} is not supported: only function tools run locally (built-in tools such as web_search, file_search, code_interpreter, computer use and MCP need OpenAI's servers).`, `${p}.type`);
    }
    if (typeof t.name !== "string" || !NAME.test(t.name)) throw bad(`'${p}.name' must be 1-64 letters, digits, underscores or dashes.`, `${p}.name`);
    if (!unset(t.parameters) && !isObj(t.parameters)) throw bad(`'${p}.parameters' must be a JSON Schema object.`, `${p}.parameters`);
    const tool: FunctionTool = { type: "function", name: t.name, description: optStr(t.description, `${p}.description`), parameters: (t.parameters as Obj) ?? null, strict: unset(t.strict) ? null : bool(t.strict, `${p}.strict`, false) };
    return tool;
  });
}

function toolChoice(v: unknown, declared: FunctionTool[]): ToolChoiceOptions | ToolChoiceFunction {
  if (unset(v)) return "auto";
  if (v === "none" || v === "auto" || v === "required") return v;
  if (isObj(v) && v.type === "function" && typeof v.name === "string") {
    if (!declared.some((t) => t.name === v.name)) throw bad(`'tool_choice' names function '${v.name}', which is not in 'tools'.`, "tool_choice");
    return { type: "function", name: v.name };
  }
  throw bad("'tool_choice' must be 'none', 'auto', 'required' or { type: 'function', name }: only function tools run locally.", "tool_choice");
}

function format(v: unknown): ResponseFormatTextConfig {
  if (unset(v)) return { type: "text" };
  if (!isObj(v)) throw bad("'text' must be an object.", "text");
  only(v.verbosity, "text.verbosity", ["medium"], "a local model has no verbosity control.");
  const f = v.format;
  if (unset(f) || (isObj(f) && f.type === "text")) return { type: "text" };
  if (!isObj(f)) throw bad("'text.format' must be an object.", "text.format");
  if (f.type === "json_object") return { type: "json_object" };
  if (f.type !== "json_schema") throw bad(`'text.format.type' must be 'text', 'json_object' or 'json_schema'; got ${JSON.stringify(f.type)}.`, "text.format.type");
  if (typeof f.name !== "string" || !NAME.test(f.name)) throw bad("'text.format.name' must be 1-64 letters, digits, underscores or dashes.", "text.format.name");
  if (!isObj(f.schema)) throw bad("'text.format.schema' must be a JSON Schema object.", "text.format.schema");
  const out: ResponseFormatTextConfig = { type: "json_schema", name: f.name, schema: f.schema, strict: unset(f.strict) ? null : bool(f.strict, "text.format.strict", false) };
  if (typeof f.description === "string") out.description = f.description;
  return out;
}

function metadata(v: unknown): Record<string, string> {
  if (unset(v)) return {};
  if (!isObj(v)) throw bad("'metadata' must be an object of strings.", "metadata");
  const entries = Object.entries(v);
  if (entries.length > 16) throw bad(`'metadata' takes at most 16 keys, got ${entries.length}.`, "metadata");
  for (const [k, s] of entries) {
    if (k.length > 64) throw bad(`'metadata' keys are at most 64 characters; '${k.slice(0, 20)}…' is longer.`, "metadata");
    if (typeof s !== "string" || s.length > 512) throw bad(`'metadata.${k}' must be a string of at most 512 characters.`, `metadata.${k}`);
  }
  return v as Record<string, string>;
}

/** Refuses what needs OpenAI's servers, or settings a local model cannot follow, naming the field. */
function refuseUnsupported(body: Obj): void {
  only(body.background, "background", [false], "there is no background mode; send the request and await it (or stream it).");
  if (!unset(body.conversation)) throw bad("'conversation' is not supported: use previous_response_id, which this device's store backs.", "conversation");
  if (!unset(body.prompt)) throw bad("'prompt' is not supported: prompt templates live on OpenAI's servers.", "prompt");
  for (const key of ["context_management", "moderation", "prompt_cache_options"]) {
    if (!unset(body[key])) throw bad(`'${key}' is not supported: ${LOCAL}`, key);
  }
  only(body.top_logprobs, "top_logprobs", [0], "the Responses endpoint reports no log probabilities.");
  only(body.prompt_cache_retention, "prompt_cache_retention", ["in_memory"], "the KV cache lives in GPU memory only.");
  only(body.service_tier, "service_tier", ["auto", "default"], "there is one local tier.");
  if (!unset(body.include)) {
    list(body.include, "include").forEach((x, i) => only(x, `include[${i}]`, [], "pagellm returns no extra output data."));
  }
  if (!unset(body.reasoning)) {
    if (!isObj(body.reasoning)) throw bad("'reasoning' must be an object.", "reasoning");
    for (const [k, x] of Object.entries(body.reasoning)) only(x, `reasoning.${k}`, [], "a local model's thinking cannot be steered; thinking models think by themselves.");
  }
  if (!unset(body.stream_options)) {
    if (body.stream !== true) throw bad("'stream_options' is only allowed when 'stream' is true.", "stream_options");
    if (!isObj(body.stream_options)) throw bad("'stream_options' must be an object.", "stream_options");
    only(body.stream_options.include_obfuscation, "stream_options.include_obfuscation", [false], "events cross no network, so there is nothing to obfuscate.");
  }
}

/**
 * Checks a `responses.create` body against OpenAI's rules and what runs locally, and returns it
 * normalized. Pure. The first problem is a `BadRequestError` whose `param` names the field, as
 * the hosted API does; a field pagellm cannot honour is refused, never ignored.
 */
export function validateResponses(body: unknown): ValidResponsesRequest {
  if (!isObj(body)) throw bad("The request body must be an object.", null);
  for (const key of Object.keys(body)) if (!KNOWN.has(key)) throw bad(`Unrecognized request argument supplied: ${key}`, key);
  if (typeof body.model !== "string" || body.model === "") throw bad(unset(body.model) ? "'model' is required." : "'model' must be a non-empty string.", "model");
  refuseUnsupported(body);
  const declared = tools(body.tools);
  const truncation = unset(body.truncation) ? "disabled" : body.truncation;
  if (truncation !== "auto" && truncation !== "disabled") throw bad("'truncation' must be 'auto' or 'disabled'.", "truncation");
  return {
    model: body.model,
    input: validateInput(body.input),
    instructions: optStr(body.instructions, "instructions"),
    stream: bool(body.stream, "stream", false),
    store: bool(body.store, "store", true),
    previous_response_id: optStr(body.previous_response_id, "previous_response_id"),
    temperature: num(body.temperature, "temperature", 0, 2),
    top_p: num(body.top_p, "top_p", 0, 1),
    max_output_tokens: num(body.max_output_tokens, "max_output_tokens", 1, Number.MAX_SAFE_INTEGER, true),
    tools: declared,
    tool_choice: toolChoice(body.tool_choice, declared),
    parallel_tool_calls: bool(body.parallel_tool_calls, "parallel_tool_calls", true),
    format: format(body.text),
    metadata: metadata(body.metadata),
    truncation,
    user: optStr(body.user, "user"),
    safety_identifier: optStr(body.safety_identifier, "safety_identifier"),
    prompt_cache_key: optStr(body.prompt_cache_key, "prompt_cache_key"),
    max_tool_calls: num(body.max_tool_calls, "max_tool_calls", 1, Number.MAX_SAFE_INTEGER, true),
  };
}
