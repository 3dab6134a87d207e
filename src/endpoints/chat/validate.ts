import { BadRequestError } from "../../errors/classes.js";
import { contentText } from "../../openai/content.js";
import { checkSchema } from "../../tools/schema-check.js";
import type { ChatCompletionMessageParam, ChatCompletionTool, ChatCompletionToolChoiceOption, ResponseFormat } from "../../openai/chat.js";

/** A request after validation: defaults filled in, `null`s dropped, one name per concept. */
export interface ValidRequest {
  model: string;
  messages: ChatCompletionMessageParam[];
  stream: boolean;
  include_usage: boolean;
  temperature: number;
  top_p: number;
  max_tokens: number | null;
  seed: number | null;
  stop: string[];
  presence_penalty: number;
  frequency_penalty: number;
  logit_bias: Record<string, number> | null;
  logprobs: boolean;
  top_logprobs: number | null;
  response_format: ResponseFormat | null;
  tools: ChatCompletionTool[];
  tool_choice: ChatCompletionToolChoiceOption;
  /** `false`: at most one tool call per reply; later calls in the model's output are dropped. */
  parallel_tool_calls: boolean;
}

type Obj = Record<string, unknown>;

const KNOWN = new Set([
  "model", "messages", "temperature", "top_p", "max_tokens", "max_completion_tokens", "stream", "stream_options",
  "tools", "tool_choice", "parallel_tool_calls", "response_format", "seed", "stop", "presence_penalty",
  "frequency_penalty", "n", "logprobs", "top_logprobs", "logit_bias", "user",
]);
const ROLES = new Set(["system", "developer", "user", "assistant", "tool"]);
const FUNCTION_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

const bad = (message: string, param: string | null): BadRequestError => new BadRequestError(message, param);
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const describe = (v: unknown): string =>
  v === null ? "null" : Array.isArray(v) ? "an array" : typeof v === "number" && !Number.isFinite(v) ? String(v) : `a ${typeof v}`;

function number(body: Obj, key: string, min: number, max: number, fallback: number): number {
  const v = body[key];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== "number" || !Number.isFinite(v)) throw bad(`'${key}' must be a number, got ${describe(v)}.`, key);
  if (v < min || v > max) throw bad(`${v} is out of range for '${key}': expected a number from ${min} to ${max}.`, key);
  return v;
}

function integer(body: Obj, key: string, min: number, max = Number.MAX_SAFE_INTEGER): number | null {
  const v = body[key];
  if (v === undefined || v === null) return null;
  if (typeof v !== "number" || !Number.isSafeInteger(v)) throw bad(`'${key}' must be an integer, got ${describe(v)}.`, key);
  if (v < min || v > max) throw bad(`${v} is out of range for '${key}': expected an integer from ${min} to ${max}.`, key);
  return v;
}

function boolean(body: Obj, key: string, param = key): boolean {
  const v = body[key];
  if (v === undefined || v === null) return false;
  if (typeof v !== "boolean") throw bad(`'${param}' must be a boolean, got ${describe(v)}.`, param);
  return v;
}

/**
 * A request is JSON, as it is over OpenAI's REST API. The in-page API can be handed more (a
 * cycle, a BigInt, nesting deeper than the stack), which would otherwise pass the type checks
 * here and fail later, where tools and schemas are serialized, as a 500. Checked per field, so
 * that the error names the field.
 */
function json(body: Obj): void {
  for (const [key, v] of Object.entries(body)) {
    try {
      JSON.stringify(v);
    } catch (err) {
      const why = err instanceof RangeError ? "nested too deeply" : err instanceof Error ? err.message.split("\n")[0] : String(err);
      throw bad(`'${key}' is not JSON data (${why}).`, key);
    }
  }
}

function content(v: unknown, param: string, required: boolean, refusals = false): void {
  if (v === undefined || v === null) {
    if (required) throw bad(`'${param}' is required.`, param);
    return;
  }
  if (typeof v === "string") return;
  if (!Array.isArray(v)) throw bad(`'${param}' must be a string or an array of content parts, got ${describe(v)}.`, param);
  v.forEach((part, j) => {
    const p = `${param}[${j}]`;
    if (!isObj(part)) throw bad(`'${p}' must be an object.`, p);
    // An assistant's earlier refusal is text the model wrote; it goes back into the prompt as such.
    if (refusals && part.type === "refusal") {
      if (typeof part.refusal !== "string") throw bad(`'${p}.refusal' must be a string.`, `${p}.refusal`);
      return;
    }
    if (part.type !== "text") {
      throw bad(`Content part type '${String(part.type)}' is not supported: local models here take text only.`, `${p}.type`);
    }
    if (typeof part.text !== "string") throw bad(`'${p}.text' must be a string.`, `${p}.text`);
  });
}

function toolCalls(v: unknown, param: string): void {
  if (!Array.isArray(v)) throw bad(`'${param}' must be an array.`, param);
  v.forEach((call, j) => {
    const p = `${param}[${j}]`;
    if (!isObj(call) || typeof call.id !== "string") throw bad(`'${p}.id' must be a string.`, `${p}.id`);
    if (call.type !== "function") throw bad(`'${p}.type' must be 'function'.`, `${p}.type`);
    const fn = call.function;
    if (!isObj(fn) || typeof fn.name !== "string") throw bad(`'${p}.function.name' must be a string.`, `${p}.function.name`);
    if (typeof fn.arguments !== "string") throw bad(`'${p}.function.arguments' must be a JSON string.`, `${p}.function.arguments`);
  });
}

function messages(v: unknown): ChatCompletionMessageParam[] {
  if (v === undefined || v === null) throw bad("'messages' is required.", "messages");
  if (!Array.isArray(v)) throw bad(`'messages' must be an array, got ${describe(v)}.`, "messages");
  if (v.length === 0) throw bad("'messages' must contain at least one message.", "messages");
  v.forEach((m, i) => {
    const p = `messages[${i}]`;
    if (!isObj(m)) throw bad(`'${p}' must be an object, got ${describe(m)}.`, p);
    if (typeof m.role !== "string" || !ROLES.has(m.role)) {
      throw bad(`'${p}.role' must be one of system, developer, user, assistant, tool; got ${JSON.stringify(m.role)}.`, `${p}.role`);
    }
    if (m.name !== undefined && typeof m.name !== "string") throw bad(`'${p}.name' must be a string.`, `${p}.name`);
    if (m.role === "assistant") {
      if (m.refusal !== undefined && m.refusal !== null && typeof m.refusal !== "string") throw bad(`'${p}.refusal' must be a string.`, `${p}.refusal`);
      // Hosted-only history: audio a model spoke, and the legacy function_call. Dropping them
      // would silently change the conversation the model sees.
      for (const key of ["audio", "function_call"]) {
        if (m[key] !== undefined && m[key] !== null) throw bad(`'${p}.${key}' is not supported: local models take text only.`, `${p}.${key}`);
      }
      content(m.content, `${p}.content`, m.tool_calls === undefined && typeof m.refusal !== "string", true);
      if (m.tool_calls !== undefined) toolCalls(m.tool_calls, `${p}.tool_calls`);
    } else {
      content(m.content, `${p}.content`, true);
    }
    if (m.role === "tool" && typeof m.tool_call_id !== "string") {
      throw bad(`'${p}.tool_call_id' is required for a tool message.`, `${p}.tool_call_id`);
    }
  });
  // An earlier refusal, sent as the `refusal` field, is what the assistant said: it becomes the
  // message's text, so the model sees its own words again.
  return (v as Obj[]).map((m) => {
    if (m.role !== "assistant" || typeof m.refusal !== "string" || m.refusal === "") return m;
    const text = contentText(m.content);
    return { ...m, content: text ? `${text}\n${m.refusal}` : m.refusal, refusal: null };
  }) as unknown as ChatCompletionMessageParam[];
}

function stop(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  const list = typeof v === "string" ? [v] : v;
  if (!Array.isArray(list)) throw bad(`'stop' must be a string or an array of strings, got ${describe(v)}.`, "stop");
  if (list.length > 4) throw bad(`'stop' takes at most 4 sequences, got ${list.length}.`, "stop");
  list.forEach((s, i) => {
    if (typeof s !== "string" || s.length === 0) throw bad(`'stop[${i}]' must be a non-empty string.`, "stop");
  });
  return list as string[];
}

function tools(v: unknown): ChatCompletionTool[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw bad(`'tools' must be an array, got ${describe(v)}.`, "tools");
  if (v.length > 128) throw bad(`'tools' takes at most 128 tools, got ${v.length}.`, "tools");
  v.forEach((t, i) => {
    const p = `tools[${i}]`;
    if (!isObj(t) || t.type !== "function") throw bad(`'${p}.type' must be 'function'.`, `${p}.type`);
    const fn = t.function;
    if (!isObj(fn)) throw bad(`'${p}.function' must be an object.`, `${p}.function`);
    if (typeof fn.name !== "string" || !FUNCTION_NAME.test(fn.name)) {
      throw bad(`'${p}.function.name' must be 1-64 letters, digits, underscores or dashes.`, `${p}.function.name`);
    }
    if (fn.description !== undefined && typeof fn.description !== "string") {
      throw bad(`'${p}.function.description' must be a string.`, `${p}.function.description`);
    }
    if (fn.parameters !== undefined && !isObj(fn.parameters)) {
      throw bad(`'${p}.function.parameters' must be a JSON Schema object.`, `${p}.function.parameters`);
    }
  });
  return v as ChatCompletionTool[];
}

function toolChoice(v: unknown, declared: ChatCompletionTool[]): ChatCompletionToolChoiceOption {
  if (v === undefined || v === null) return declared.length > 0 ? "auto" : "none";
  if (declared.length === 0) throw bad("'tool_choice' is only allowed when 'tools' are specified.", "tool_choice");
  if (v === "none" || v === "auto" || v === "required") return v;
  if (isObj(v) && v.type === "function" && isObj(v.function) && typeof v.function.name === "string") {
    const name = v.function.name;
    if (!declared.some((t) => t.function.name === name)) {
      throw bad(`'tool_choice' names function '${name}', which is not in 'tools'.`, "tool_choice");
    }
    return { type: "function", function: { name } };
  }
  throw bad("'tool_choice' must be 'none', 'auto', 'required' or { type: 'function', function: { name } }.", "tool_choice");
}

function responseFormat(v: unknown, msgs: ChatCompletionMessageParam[]): ResponseFormat | null {
  if (v === undefined || v === null) return null;
  if (!isObj(v)) throw bad(`'response_format' must be an object, got ${describe(v)}.`, "response_format");
  if (v.type === "text") return null;
  if (v.type === "json_object") {
    // OpenAI's own rule, kept because a model told nothing about JSON tends to emit endless whitespace.
    if (!JSON.stringify(msgs).toLowerCase().includes("json")) {
      throw bad("'messages' must contain the word 'json' in some form to use 'response_format' of type 'json_object'.", "messages");
    }
    return { type: "json_object" };
  }
  if (v.type === "json_schema") {
    const js = v.json_schema;
    if (!isObj(js) || typeof js.name !== "string" || !FUNCTION_NAME.test(js.name)) {
      throw bad("'response_format.json_schema.name' must be 1-64 letters, digits, underscores or dashes.", "response_format.json_schema.name");
    }
    if (js.schema !== undefined && !isObj(js.schema)) {
      throw bad("'response_format.json_schema.schema' must be a JSON Schema object.", "response_format.json_schema.schema");
    }
    // The schema will constrain decoding: one the grammar cannot hold (an unknown type, a cycle,
    // a $ref to nowhere) is a 400 now, before the request is queued, not a failure mid-load.
    if (js.schema !== undefined) checkSchema(js.schema, "response_format");
    return v as unknown as ResponseFormat;
  }
  throw bad(`'response_format.type' must be 'text', 'json_object' or 'json_schema'; got ${JSON.stringify(v.type)}.`, "response_format.type");
}

function logitBias(v: unknown): Record<string, number> | null {
  if (v === undefined || v === null) return null;
  if (!isObj(v)) throw bad(`'logit_bias' must be an object mapping token ids to numbers, got ${describe(v)}.`, "logit_bias");
  for (const [k, b] of Object.entries(v)) {
    if (!/^\d+$/.test(k)) throw bad(`'logit_bias' keys must be token ids, got '${k}'.`, "logit_bias");
    if (typeof b !== "number" || !Number.isFinite(b) || b < -100 || b > 100) {
      throw bad(`'logit_bias["${k}"]' must be a number from -100 to 100.`, "logit_bias");
    }
  }
  return v as Record<string, number>;
}

/**
 * Checks a request against OpenAI's parameter rules and returns it normalized. Pure: it reads
 * nothing but its argument. The first problem found is thrown as a `BadRequestError` whose `param`
 * names the field, as the hosted API does. A field pagellm cannot honour is refused, not ignored.
 */
export function validateRequest(body: unknown): ValidRequest {
  if (!isObj(body)) throw bad(`The request body must be an object, got ${describe(body)}.`, null);
  for (const key of Object.keys(body)) {
    if (!KNOWN.has(key)) throw bad(`Unrecognized request argument supplied: ${key}`, key);
  }
  json(body);
  if (typeof body.model !== "string" || body.model.length === 0) {
    throw bad(body.model === undefined ? "'model' is required." : "'model' must be a non-empty string.", "model");
  }
  const msgs = messages(body.messages);
  const stream = boolean(body, "stream");
  let include_usage = false;
  if (body.stream_options !== undefined && body.stream_options !== null) {
    if (!stream) throw bad("'stream_options' is only allowed when 'stream' is true.", "stream_options");
    if (!isObj(body.stream_options)) throw bad("'stream_options' must be an object.", "stream_options");
    for (const key of Object.keys(body.stream_options)) {
      if (key !== "include_usage") throw bad(`Unrecognized argument: stream_options.${key}`, `stream_options.${key}`);
    }
    include_usage = boolean(body.stream_options, "include_usage", "stream_options.include_usage");
  }
  const maxTokens = integer(body, "max_tokens", 1);
  const maxCompletion = integer(body, "max_completion_tokens", 1);
  if (maxTokens !== null && maxCompletion !== null && maxTokens !== maxCompletion) {
    throw bad("'max_tokens' and 'max_completion_tokens' disagree; send only 'max_completion_tokens'.", "max_tokens");
  }
  const n = integer(body, "n", 1, 128);
  if (n !== null && n !== 1) throw bad(`n=${n} is not supported: a local engine generates one choice per request.`, "n");
  const logprobs = boolean(body, "logprobs");
  const top_logprobs = integer(body, "top_logprobs", 0, 20);
  if (top_logprobs !== null && !logprobs) throw bad("'top_logprobs' requires 'logprobs' to be true.", "top_logprobs");
  if (body.user !== undefined && body.user !== null && typeof body.user !== "string") {
    throw bad(`'user' must be a string, got ${describe(body.user)}.`, "user");
  }
  const parallel_tool_calls = body.parallel_tool_calls === undefined || body.parallel_tool_calls === null ? true : boolean(body, "parallel_tool_calls");
  const declared = tools(body.tools);
  return {
    model: body.model,
    messages: msgs,
    stream,
    include_usage,
    temperature: number(body, "temperature", 0, 2, 1),
    top_p: number(body, "top_p", 0, 1, 1),
    max_tokens: maxCompletion ?? maxTokens,
    seed: integer(body, "seed", Number.MIN_SAFE_INTEGER),
    stop: stop(body.stop),
    presence_penalty: number(body, "presence_penalty", -2, 2, 0),
    frequency_penalty: number(body, "frequency_penalty", -2, 2, 0),
    logit_bias: logitBias(body.logit_bias),
    logprobs,
    top_logprobs,
    response_format: responseFormat(body.response_format, msgs),
    tools: declared,
    tool_choice: toolChoice(body.tool_choice, declared),
    parallel_tool_calls,
  };
}
