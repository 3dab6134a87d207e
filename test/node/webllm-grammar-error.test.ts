// WebLLM 0.2.86 wraps a grammar that xgrammar cannot compile in GrammarMatcherInitError, thrown
// from the stream once the request runs. checkSchema refuses the schemas known to cause it (see
// grammar-schema.test.ts); this is the backstop for the rest: a schema the app wrote is the app's
// 400 naming response_format, in xgrammar's words without its C++ source path; a grammar pagellm
// wrote (a tool call's, JSON mode's) is our 500.
import { expect, test } from "vitest";
import { generate } from "../../src/backends/webllm/generate.js";
import { BadRequestError, InternalServerError } from "../../src/errors/classes.js";
import { baseRequest, scriptedEngine } from "../browser/fixtures/scripted-engine.js";
import type { GenerateRequest } from "../../src/backends/backend.js";

// What WebLLM 0.2.86 throws (its GrammarMatcherInitError), around what xgrammar 0.1.27 throws.
const cause = new Error("[FATAL] /Users/dev/xgrammar/cpp/json_schema_converter.cc:902: Unsupported type \"strin\"");
const thrown = Object.assign(new Error(`Failed to initialize the grammar matcher for response format \`json_object\`: ${cause.message}`), { name: "GrammarMatcherInitError", cause });

const run = async (req: GenerateRequest): Promise<unknown> => {
  const { engine } = scriptedEngine({ tokens: [], throwOnStart: thrown });
  try {
    for await (const _ of generate(engine, "m", req, { signal: new AbortController().signal, leftRunning: () => undefined })) void _;
  } catch (err) {
    return err;
  }
  return null;
};

const schema: GenerateRequest["response_format"] = { type: "json_schema", json_schema: { name: "x", schema: { type: "object" } } };

test.each<[string, GenerateRequest, object]>([
  ["the app's json_schema", { ...baseRequest, response_format: schema }, { constructor: BadRequestError, status: 400, param: "response_format" }],
  // JSON mode without a schema runs pagellm's own fixed grammar: a failure there is ours.
  ["json_object (our grammar)", { ...baseRequest, response_format: { type: "json_object" } }, { constructor: InternalServerError, status: 500 }],
  [
    "a forced tool call's grammar (ours), even beside a json_schema",
    { ...baseRequest, response_format: schema, tool_constraint: { format: "hermes", tools: [], names: ["f"], parallel: false, grammar: "root ::= \"x\"" } },
    { constructor: InternalServerError, status: 500 },
  ],
  ["a structural tag (ours)", { ...baseRequest, tool_tag: { type: "structural_tag", structures: [], triggers: [] } as never }, { constructor: InternalServerError, status: 500 }],
])("a grammar error for %s", async (_name, req, expected) => {
  const err = (await run(req)) as Error & { param?: string };
  expect(err).toMatchObject(expected);
  expect(err.message).toContain('Unsupported type "strin"');
  expect(err.message).not.toContain(".cc:");
});
