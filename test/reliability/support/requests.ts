import fc from "fast-check";

// Generated chat.completions requests for the fuzzer: valid ones, and valid ones broken in exactly
// one way. Each case says what must come back, so the fuzzer checks more than "no crash": a
// broken field must be named in the error's `param`.

/** The fuzzer's engine serves these; "tiny" has a 64-token window and no tool support. */
export const FUZZ_MODELS = ["fake-1", "Qwen2.5-0.5B-Instruct-q4f16_1-MLC", "tiny"] as const;

/** What a case must produce. */
export type Expect =
  /** A completion (or a stream), or the model's own limits: context window, no tool support. */
  | { kind: "valid" }
  /** A 4xx error whose `param` starts with one of these (`null` is "no param"). */
  | { kind: "invalid"; params: (string | null)[]; status?: 400 | 404 }
  /** Either a valid reply or a 4xx; used where OpenAI itself is lenient. */
  | { kind: "either" };

export interface Case {
  /** What was done to the request, for failure reports. */
  label: string;
  body: unknown;
  expect: Expect;
}

type Body = Record<string, unknown>;

// ── strings ──────────────────────────────────────────────────────────────────────────────────

/** Pieces that have broken text handling elsewhere: lone surrogates, ZWJ sequences, bidi, NUL, BOM, SSE look-alikes. */
const ODD = [
  "",
  "\uD800",
  "\uDFFF",
  "a\uD83D",
  "\uDE00b",
  "😀",
  "👩‍👩‍👧‍👦",
  "🇨🇭",
  "e\u0301",
  "\u202Eevil\u202C",
  "\u0000",
  "\uFFFD",
  "\uFEFF",
  "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
  "ﷺ",
  "\n\r\t",
  " ",
  "<tool_call>",
  "</tool_call>",
  "data: [DONE]\n\n",
  "\\u0000",
  "{\"a\":",
];

/** Any text: plain, every code point (lone surrogates included), graphemes, and the odd pieces above. */
export const oddText = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 3, arbitrary: fc.string({ unit: "binary", maxLength: 30 }) },
  { weight: 2, arbitrary: fc.string({ unit: "grapheme", maxLength: 12 }) },
  { weight: 3, arbitrary: fc.array(fc.constantFrom(...ODD), { maxLength: 6 }).map((a) => a.join("")) },
);

/** Rarely, a huge string: 64 KiB or 1 MiB. */
const hugeText = fc.constantFrom(64 * 1024, 1024 * 1024).map((n) => "lorem ipsum dolor ".repeat(Math.ceil(n / 18)).slice(0, n));

const text = fc.oneof({ weight: 400, arbitrary: oddText }, { weight: 1, arbitrary: hugeText });
const nonEmpty = oddText.filter((s) => s.length > 0);
const functionName = fc.stringMatching(/^[a-zA-Z0-9_-]{1,64}$/);

// ── valid requests ───────────────────────────────────────────────────────────────────────────

const content = fc.oneof(
  { weight: 4, arbitrary: text },
  { weight: 1, arbitrary: fc.array(fc.record({ type: fc.constant("text" as const), text }), { maxLength: 3 }) },
);

const message = fc.oneof(
  fc.record({ role: fc.constantFrom("system", "developer", "user"), content, name: oddText }, { requiredKeys: ["role", "content"] }),
  fc.record({ role: fc.constant("assistant"), content }),
  fc.record({ role: fc.constant("tool"), content, tool_call_id: oddText }),
);

const tool = fc.record(
  {
    type: fc.constant("function" as const),
    function: fc.record(
      { name: functionName, description: oddText, parameters: fc.constant({ type: "object", properties: { q: { type: "string" } } }) },
      { requiredKeys: ["name"] },
    ),
  },
);

const unit = (min: number, max: number): fc.Arbitrary<number> =>
  fc.oneof(fc.double({ min, max, noNaN: true }), fc.constantFrom(min, max, (min + max) / 2), fc.constant(-0).filter(() => min <= 0));

/** A request that the hosted API would accept. */
export const validBody: fc.Arbitrary<Body> = fc
  .record(
    {
      model: fc.constantFrom(...FUZZ_MODELS),
      messages: fc.array(message, { minLength: 1, maxLength: 4 }),
      temperature: fc.oneof(unit(0, 2), fc.constant(null)),
      top_p: fc.oneof(unit(0, 1), fc.constant(null)),
      max_tokens: fc.integer({ min: 1, max: 8 }),
      max_completion_tokens: fc.integer({ min: 1, max: 8 }),
      stream: fc.boolean(),
      include_usage: fc.boolean(),
      seed: fc.oneof(fc.integer(), fc.constantFrom(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, 0)),
      stop: fc.oneof(nonEmpty, fc.array(nonEmpty, { minLength: 1, maxLength: 4 }), fc.constant(null)),
      presence_penalty: unit(-2, 2),
      frequency_penalty: unit(-2, 2),
      n: fc.constantFrom(1, null),
      logprobs: fc.boolean(),
      top_logprobs: fc.integer({ min: 0, max: 20 }),
      logit_bias: fc.dictionary(fc.integer({ min: 0, max: 200_000 }).map(String), fc.integer({ min: -100, max: 100 }), { maxKeys: 3 }),
      user: oddText,
      response_format: fc.oneof(
        fc.constant({ type: "text" }),
        fc.constant({ type: "json_object" }),
        functionName.map((name) => ({ type: "json_schema", json_schema: { name, schema: { type: "object" } } })),
      ),
      tools: fc.array(tool, { minLength: 1, maxLength: 3 }),
      tool_choice: fc.constantFrom("none", "auto", "required", "named"),
      parallel_tool_calls: fc.boolean(),
    },
    { requiredKeys: ["model", "messages"] },
  )
  .map((r) => {
    const body: Body = { ...r };
    // Rules between fields, so that the result really is valid.
    if (body.max_tokens !== undefined && body.max_completion_tokens !== undefined) delete body.max_tokens;
    delete body.include_usage;
    if (body.stream === true && r.include_usage !== undefined) body.stream_options = { include_usage: r.include_usage };
    if (body.top_logprobs !== undefined && body.logprobs !== true) delete body.top_logprobs;
    if (body.tool_choice !== undefined) {
      const tools = body.tools as { function: { name: string } }[] | undefined;
      if (!tools) delete body.tool_choice;
      else if (body.tool_choice === "named") body.tool_choice = { type: "function", function: { name: tools[0]?.function.name } };
    }
    // A local model has one grammar per request: a JSON answer beside a free choice of tool
    // calls is refused (400 response_format), so a valid request has at most one of them.
    const json = (body.response_format as { type?: string } | undefined)?.type;
    const freeTools = body.tools !== undefined && (body.tool_choice === undefined || body.tool_choice === "auto");
    if (freeTools && (json === "json_object" || json === "json_schema")) delete body.response_format;
    if ((body.response_format as { type?: string } | undefined)?.type === "json_object") {
      // OpenAI's own rule: json_object needs the word "json" in the messages.
      body.messages = [{ role: "system", content: "Answer in JSON." }, ...(body.messages as unknown[])];
    }
    return body;
  });

// ── values that break things ─────────────────────────────────────────────────────────────────

function deep(depth: number): unknown {
  let v: unknown = "bottom";
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { v };
  return v;
}

function cyclic(): unknown {
  const o: Record<string, unknown> = { type: "object" };
  o.self = o;
  return o;
}

/** Values that survive `postMessage` but are no JSON: the in-page API meets them, REST never does. */
const exotic = fc.constantFrom<() => unknown>(
  () => new Date(0),
  () => new Map([["a", 1]]),
  () => new Set([1]),
  () => /re/g,
  () => new Uint8Array([1, 2]),
  () => new Error("boom"),
  () => Object.create(null),
  () => new String("boxed"),
  () => 10n,
  () => [, , 1],
  () => cyclic(),
).map((make) => make());

/** Values `postMessage` cannot carry at all. */
const uncloneable = fc.constantFrom<() => unknown>(
  () => () => "a function",
  () => Symbol("s"),
  () => new WeakMap(),
  () => ({ nested: { fn: () => 1 } }),
).map((make) => make());

/** Any value at all, wrong for nearly every field. */
const junk = fc.oneof(
  fc.constantFrom(NaN, Infinity, -Infinity, -0, 1e308, -1e308, 2 ** 53, -1, 0, 0.5, 3, true, false, "", "1", "true", [], {}),
  oddText,
  fc.integer(),
  fc.double(),
  exotic,
  fc.constantFrom(10, 1_000, 100_000).map(deep),
);

// For each field: values that must fail, and the params the error may name. `null` and
// `undefined` are valid for every optional field, so they never appear here.
const outside = (min: number, max: number): fc.Arbitrary<unknown> =>
  fc.oneof(
    fc.constantFrom(NaN, Infinity, -Infinity, "1", true, [], {}, 10n, new Date(0)),
    fc.double({ min: max, noNaN: true, minExcluded: true }),
    // -0 is not below 0 (validation is right to take it), so it is no counterexample.
    fc.double({ max: min, noNaN: true, maxExcluded: true }).filter((v) => !Object.is(v, -0)),
  );
const notInteger = fc.constantFrom<unknown>(1.5, NaN, Infinity, -Infinity, 2 ** 60, "3", true, [], {}, 10n);
const notBoolean = fc.constantFrom<unknown>("true", 1, 0, NaN, [], {}, "false");

const fieldBreakers: Record<string, { values: fc.Arbitrary<unknown>; params?: string[] }> = {
  model: { values: fc.constantFrom<unknown>(1, "", [], {}, NaN, true, 10n) },
  messages: { values: fc.oneof(fc.constantFrom<unknown>("hi", {}, [], 1, true), exotic.filter((v) => !Array.isArray(v))) },
  temperature: { values: outside(0, 2) },
  top_p: { values: outside(0, 1) },
  presence_penalty: { values: outside(-2, 2) },
  frequency_penalty: { values: outside(-2, 2) },
  max_tokens: { values: fc.oneof(notInteger, fc.constantFrom(0, -1, -100)) },
  max_completion_tokens: { values: fc.oneof(notInteger, fc.constantFrom(0, -1)) },
  seed: { values: notInteger },
  n: { values: fc.oneof(notInteger, fc.constantFrom(0, 2, 129)) },
  stream: { values: notBoolean },
  logprobs: { values: notBoolean },
  top_logprobs: { values: fc.oneof(notInteger, fc.constantFrom(-1, 21)) },
  parallel_tool_calls: { values: notBoolean },
  stop: { values: fc.constantFrom<unknown>(1, {}, [""], [1], ["a", "b", "c", "d", "e"], true, "") },
  logit_bias: { values: fc.constantFrom<unknown>("x", [], 1, { a: 1 }, { "1": 101 }, { "1": NaN }, { "1": "1" }) },
  user: { values: fc.constantFrom<unknown>(1, {}, [], true) },
  response_format: {
    values: fc.constantFrom<unknown>("json", 1, {}, { type: "xml" }, { type: "json_schema" }, { type: "json_schema", json_schema: { name: "bad name" } }),
  },
  tools: {
    values: fc.constantFrom<unknown>("x", {}, [{}], [{ type: "function" }], [{ type: "function", function: { name: "bad name!" } }], [{ type: "function", function: { name: "f", parameters: [] } }]),
    params: ["tools", "tool_choice"],
  },
  stream_options: { values: fc.constantFrom<unknown>(1, "x", [], { include_usage: "yes" }, { other: true }), params: ["stream_options", "stream"] },
  tool_choice: { values: fc.constantFrom<unknown>("sometimes", 1, {}, { type: "function", function: { name: "not_declared_anywhere" } }) },
};

/** One field of a valid request set to a value that must fail, naming that field. */
const brokenField: fc.Arbitrary<Case> = fc
  .tuple(validBody, fc.constantFrom(...Object.keys(fieldBreakers)))
  .chain(([body, field]) => {
    const breaker = fieldBreakers[field]!;
    return breaker.values.map((value): Case => {
      const b: Body = { ...body, [field]: value };
      // stream_options is only checked against a streamed request.
      if (field === "stream_options") b.stream = true;
      return { label: `field ${field}`, body: b, expect: { kind: "invalid", params: breaker.params ?? [field] } };
    });
  });

/** An unknown top-level field, with an odd name (own `__proto__` included). */
const unknownField: fc.Arbitrary<Case> = fc
  .tuple(validBody, fc.oneof(oddText.filter((k) => k.length > 0), fc.constantFrom("__proto__", "constructor", "toString", "functions", "prompt")), junk)
  .filter(([, key]) => !KNOWN.has(key))
  .map(([body, key, value]): Case => {
    const b: Body = { ...body };
    Object.defineProperty(b, key, { value, enumerable: true, configurable: true, writable: true });
    return { label: `unknown-field ${JSON.stringify(key)}`, body: b, expect: { kind: "invalid", params: [key] } };
  });

const KNOWN = new Set([
  "model", "messages", "temperature", "top_p", "max_tokens", "max_completion_tokens", "stream", "stream_options",
  "tools", "tool_choice", "parallel_tool_calls", "response_format", "seed", "stop", "presence_penalty",
  "frequency_penalty", "n", "logprobs", "top_logprobs", "logit_bias", "user",
]);

/** A required field left out. */
const missing: fc.Arbitrary<Case> = fc.tuple(validBody, fc.constantFrom("model", "messages")).map(([body, field]): Case => {
  const b: Body = { ...body };
  delete b[field];
  return { label: `missing ${field}`, body: b, expect: { kind: "invalid", params: [field] } };
});

/** One message broken: its role, its content, its name, or a tool message's id. */
const brokenMessage: fc.Arbitrary<Case> = fc
  .tuple(
    validBody,
    fc.nat(),
    fc.constantFrom<[string, unknown]>(
      ["role", "bot"],
      ["role", 1],
      ["role", null],
      ["role", "User"],
      ["content", 1],
      ["content", {}],
      ["content", true],
      ["content", [1]],
      ["content", [{ type: "image_url", image_url: { url: "data:," } }]],
      ["content", [{ type: "text", text: 1 }]],
      ["content", new Date(0)],
      ["name", 1],
      ["tool_call_id", undefined],
      ["whole", "just a string"],
      ["whole", null],
      ["whole", [{ role: "user", content: "nested" }]],
    ),
  )
  .map(([body, at, [key, value]]): Case => {
    const messages = [...(body.messages as Body[])];
    const i = at % messages.length;
    if (key === "whole") messages[i] = value as Body;
    else if (key === "tool_call_id") messages[i] = { role: "tool", content: "result" };
    else messages[i] = { ...messages[i], [key]: value };
    return { label: `message ${key}`, body: { ...body, messages }, expect: { kind: "invalid", params: [`messages[${i}]`] } };
  });

/** A value `postMessage` cannot carry, somewhere in the request. */
const uncloneableField: fc.Arbitrary<Case> = fc
  .tuple(validBody, fc.constantFrom("temperature", "user", "metadata_fn", "messages"), uncloneable)
  .map(([body, field, value]): Case => {
    const b: Body = { ...body };
    if (field === "messages") b.messages = [...(body.messages as unknown[]), { role: "user", content: "x", hook: value }];
    else b[field] = value;
    return { label: `uncloneable ${field}`, body: b, expect: { kind: "invalid", params: [field] } };
  });

/** Deep nesting, cycles and exotic objects where the validator only checks "is an object". */
const deepInside: fc.Arbitrary<Case> = fc
  .tuple(validBody, fc.constantFrom(10, 1_000, 100_000, -1), fc.constantFrom("parameters", "part", "schema"))
  .map(([body, depth, where]): Case => {
    const value = depth < 0 ? cyclic() : deep(depth);
    const b: Body = { ...body };
    let param = "";
    if (where === "parameters") {
      b.tools = [{ type: "function", function: { name: "f", parameters: { type: "object", properties: { x: value } } } }];
      delete b.tool_choice;
      param = "tools";
    } else if (where === "part") {
      b.messages = [{ role: "user", content: [{ type: "text", text: "hi", extra: value }] }];
      param = "messages";
    } else {
      b.response_format = { type: "json_schema", json_schema: { name: "s", schema: { type: "object", properties: { x: value } } } };
      param = "response_format";
    }
    // Moderate nesting is valid JSON and must work; a cycle, or nesting deeper than any JSON
    // parser takes, must be refused as a 400 that names the field.
    const expect: Expect = depth >= 0 && depth <= 1_000 ? { kind: "either" } : { kind: "invalid", params: [param] };
    return { label: `nesting ${depth < 0 ? "cycle" : depth} in ${where}`, body: b, expect };
  });

/** A body that is no object at all. */
const notAnObject: fc.Arbitrary<Case> = fc
  .constantFrom<unknown>(null, undefined, 1, "hello", [], [{ role: "user", content: "x" }], true, NaN)
  .map((body): Case => ({ label: "not-object", body, expect: { kind: "invalid", params: [null] } }));

/** A known model id that is not served, with odd characters. */
const unknownModel: fc.Arbitrary<Case> = fc.tuple(validBody, oddText.filter((s) => s.length > 0 && !(FUZZ_MODELS as readonly string[]).includes(s))).map(
  ([body, model]): Case => ({ label: "unknown-model", body: { ...body, model }, expect: { kind: "invalid", params: ["model"], status: 404 } }),
);

/** Every case: about half valid, half broken in one way. */
export const requestCase: fc.Arbitrary<Case> = fc
  .oneof(
    { weight: 10, arbitrary: validBody.map((body): Case => ({ label: "valid", body, expect: { kind: "valid" } })) },
    { weight: 4, arbitrary: brokenField },
    { weight: 1, arbitrary: unknownField },
    { weight: 1, arbitrary: missing },
    { weight: 2, arbitrary: brokenMessage },
    { weight: 1, arbitrary: uncloneableField },
    { weight: 1, arbitrary: deepInside },
    { weight: 1, arbitrary: notAnObject },
    { weight: 1, arbitrary: unknownModel },
  )
  // fast-check prints counterexamples with its own stringifier, which overflows the stack on the
  // deeply nested ones; a case prints as its label, and the failure message describes it in full.
  .map((c) => Object.assign(c, { [fc.toStringMethod]: () => c.label }));

/** A short, safe description of a case for failure reports (huge strings and deep nesting cut). */
export function describeCase(c: Case): string {
  const ancestors: object[] = [];
  const cut = (v: unknown): unknown => {
    if (typeof v === "string") return v.length > 80 ? `${v.slice(0, 80)}…(${v.length} chars)` : v;
    if (typeof v === "bigint") return `${v}n`;
    if (typeof v === "function") return "[function]";
    if (typeof v === "symbol") return String(v);
    if (typeof v === "number" && !Number.isFinite(v)) return String(v);
    if (typeof v !== "object" || v === null) return v;
    if (ancestors.includes(v)) return "[cycle]";
    if (ancestors.length > 6) return "[deep]";
    ancestors.push(v);
    const out = Array.isArray(v) ? v.slice(0, 8).map(cut) : Object.fromEntries(Object.entries(v).slice(0, 30).map(([k, x]) => [k, cut(x)]));
    ancestors.pop();
    return out;
  };
  return `${c.label}: ${JSON.stringify(cut(c.body))}`;
}
