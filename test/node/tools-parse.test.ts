/**
 * Parsing real model outputs, each taken from a public source named beside it, and malformed
 * ones, which must come back as `null` (the text becomes content), never as a guessed call.
 */
import { describe, expect, test } from "vitest";
import type { ChatCompletionTool } from "../../src/openai/chat.js";
import { genericJsonFormat } from "../../src/tools/generic-json.js";
import { llama3Format } from "../../src/tools/llama3.js";
import { ministral3Format } from "../../src/tools/ministral3.js";
import { mistralV3Format } from "../../src/tools/mistral.js";
import { hermes2ProFormat, hermes3Format } from "../../src/tools/nous-hermes.js";
import { phi4MiniFormat } from "../../src/tools/phi4mini.js";
import { qwen25Format } from "../../src/tools/qwen.js";
import { qwen35Format } from "../../src/tools/qwen35.js";
import { smollm2Format } from "../../src/tools/smollm2.js";

const call = (name: string, args: unknown) => ({ name, arguments: JSON.stringify(args) });

describe("Hermes <tool_call> (Qwen2.5, Qwen3, Hermes, generic)", () => {
  test("Hermes 2 Pro's arguments-first order", () => {
    // The order its prompt asks for: vllm-project/vllm, examples/tool_chat_template_hermes_2_pro.jinja
    // (`{"arguments": <args-dict>, "name": <function-name>}`), with the example tool of
    // NousResearch/Hermes-Function-Calling, README.md.
    const raw = '<tool_call>\n{"arguments": {"symbol": "TSLA"}, "name": "get_stock_fundamentals"}\n</tool_call>';
    expect(hermes2ProFormat.parse(raw)).toEqual([call("get_stock_fundamentals", { symbol: "TSLA" })]);
  });

  test("two calls, each in its own block", () => {
    // The two calls of Qwen's parallel example (QwenLM/Qwen2.5, docs/source/framework/
    // function_call.md, as vLLM's hermes parser returns them), in the wire form of the template.
    const raw =
      '<tool_call>\n{"name": "get_current_temperature", "arguments": {"location": "San Francisco, CA, USA"}}\n</tool_call>\n' +
      '<tool_call>\n{"name": "get_temperature_date", "arguments": {"location": "San Francisco, CA, USA", "date": "2024-10-01"}}\n</tool_call>';
    expect(qwen25Format.parse(raw)).toEqual([
      call("get_current_temperature", { location: "San Francisco, CA, USA" }),
      call("get_temperature_date", { location: "San Francisco, CA, USA", date: "2024-10-01" }),
    ]);
  });

  test("text before the first block is not part of the calls", () => {
    expect(hermes3Format.parse('Let me check.\n<tool_call>\n{"name": "f", "arguments": {}}\n</tool_call>')).toEqual([call("f", {})]);
  });

  test("a Python dict instead of JSON is not a call", () => {
    // NousResearch/Hermes-Function-Calling, README.md: a small Hermes model writing Python's repr.
    const raw = "<tool_call>\n{'arguments': {'symbol': 'TSLA'}, 'name': 'get_current_stock_price'}\n</tool_call>";
    expect(hermes2ProFormat.parse(raw)).toBeNull();
  });

  test("malformed blocks are not calls", () => {
    expect(genericJsonFormat.parse('<tool_call>\n{"name": "f", "arguments": {"a": 1}\n</tool_call>')).toBeNull();
    expect(genericJsonFormat.parse("<tool_call>\nI will call get_weather\n</tool_call>")).toBeNull();
    expect(genericJsonFormat.parse('<tool_call>\n{"arguments": {}}\n</tool_call>')).toBeNull();
    expect(genericJsonFormat.parse('<tool_call>\n{"name": "f", "arguments": [1]}\n</tool_call>')).toBeNull();
    expect(genericJsonFormat.parse('<tool_call>\n{"name": "f", "arguments": {}}\n</tool_call><tool_call>oops</tool_call>')).toBeNull();
    expect(genericJsonFormat.parse("no call here")).toBeNull();
  });

  test("arguments written as a JSON string are kept as written", () => {
    expect(qwen25Format.parse('<tool_call>\n{"name": "f", "arguments": "{\\"a\\": 1}"}\n</tool_call>')).toEqual([{ name: "f", arguments: '{"a": 1}' }]);
    expect(qwen25Format.parse('<tool_call>\n{"name": "f", "arguments": "not json"}\n</tool_call>')).toBeNull();
  });
});

describe("Llama 3.x", () => {
  test("the JSON call and its variants", () => {
    // vllm-project/vllm, tests/entrypoints/openai/tool_parsers/test_llama3_json_tool_parser.py.
    expect(llama3Format.parse('{"name": "searchTool", "parameters": {"query": "test query", "limit": 10}}')).toEqual([call("searchTool", { query: "test query", limit: 10 })]);
    expect(llama3Format.parse('{"name": "searchTool", "arguments": {"query": "test"}}')).toEqual([call("searchTool", { query: "test" })]);
    expect(
      llama3Format.parse('{"name": "searchTool", "parameters": {"query": "test1"}} ; {"name": "getOpenIncidentsTool", "parameters": {}} ; {"name": "searchTool", "parameters": {"query": "test2"}}'),
    ).toEqual([call("searchTool", { query: "test1" }), call("getOpenIncidentsTool", {}), call("searchTool", { query: "test2" })]);
    expect(llama3Format.parse('{"name": "parserTool", "parameters": {"text": "He said \\"Hello {world}\\""}}')).toEqual([call("parserTool", { text: 'He said "Hello {world}"' })]);
  });

  test("after <|python_tag|>, JSON or Llama 3.2's pythonic calls", () => {
    // meta-llama/llama-models, models/llama3_2/text_prompt_format.md.
    expect(llama3Format.parse('<|python_tag|>[get_weather(city="San Francisco", metric="celsius")]')).toEqual([call("get_weather", { city: "San Francisco", metric: "celsius" })]);
    expect(llama3Format.parse("[get_weather(city='San Francisco', metric='celsius'), get_weather(city='Seattle', metric='celsius')]")).toEqual([
      call("get_weather", { city: "San Francisco", metric: "celsius" }),
      call("get_weather", { city: "Seattle", metric: "celsius" }),
    ]);
    expect(llama3Format.parse("[get_user_info(user_id=7890, special='black')]")).toEqual([call("get_user_info", { user_id: 7890, special: "black" })]);
    expect(llama3Format.parse('<|python_tag|>{"name": "f", "parameters": {"x": [1, 2]}}')).toEqual([call("f", { x: [1, 2] })]);
  });

  test("code for the code interpreter, and JSON that is not at the start, are not calls", () => {
    // meta-llama/llama-models, models/llama3_2/text_prompt_format.md, "Code Interpreter".
    expect(llama3Format.parse("<|python_tag|>def is_prime(n):\n    if n <= 1:\n        return False")).toBeNull();
    // vLLM parses this one (test_extract_tool_calls_simple); a call in the middle of prose is a guess.
    expect(llama3Format.parse('Here is the result: {"name": "getOpenIncidentsTool", "parameters": {}} Would you like to know more?')).toBeNull();
    expect(llama3Format.parse('{"name": "invalidTool", "parameters": {invalid json}')).toBeNull();
    expect(llama3Format.parse('{"answer": 42}')).toBeNull();
    expect(llama3Format.parse("[1] Smith et al.")).toBeNull();
    expect(llama3Format.parse('<|python_tag|>brave_search.call(query="Menlo Park weather")')).toBeNull();
  });
});

describe("Mistral v0.3 and Ministral 3", () => {
  test("[TOOL_CALLS] with a list, ids ignored", () => {
    // mistralai/cookbook, concept-deep-dive/tokenization/tool_calling.md, "Tokenizer V3".
    expect(mistralV3Format.parse('[TOOL_CALLS] [{"name": "calculator", "arguments": {"operation": "2+2", "format": "celsius"}, "id": "VvvODy9mT"}]')).toEqual([
      call("calculator", { operation: "2+2", format: "celsius" }),
    ]);
    expect(mistralV3Format.parse('[{"name": "calculator", "arguments": {"operation": "2+2"}}]')).toEqual([call("calculator", { operation: "2+2" })]);
    expect(mistralV3Format.parse('[TOOL_CALLS] [{"name": "calculator", "arguments": {"operation": "2+2"}')).toBeNull();
    expect(mistralV3Format.parse("[1, 2, 3]")).toBeNull();
  });

  test("[TOOL_CALLS]name[ARGS]{...}, repeated for parallel calls", () => {
    // mistralai/mistral-common, src/mistral_common/integrations/chat_templates/template_generator.py (v13 calls).
    expect(ministral3Format.parse('[TOOL_CALLS]get_weather[ARGS]{"city": "Paris"}[TOOL_CALLS]get_weather[ARGS]{"city": "Rome"}')).toEqual([
      call("get_weather", { city: "Paris" }),
      call("get_weather", { city: "Rome" }),
    ]);
    expect(ministral3Format.parse('[TOOL_CALLS]get weather[ARGS]{"city": "Paris"}')).toBeNull();
    expect(ministral3Format.parse('[TOOL_CALLS]get_weather{"city": "Paris"}')).toBeNull();
  });
});

describe("Phi-4-mini", () => {
  // ShishirPatil/gorilla, berkeley-function-call-leaderboard/bfcl/model_handler/local_inference/phi_fc.py.
  const list = '[{"name": "calculate_final_velocity", "arguments": {"height": 150, "initial_velocity": 0}}]';
  test("the list, with or without its closing marker", () => {
    const expected = [call("calculate_final_velocity", { height: 150, initial_velocity: 0 })];
    expect(phi4MiniFormat.parse(`<|tool_call|>${list}<|/tool_call|>`)).toEqual(expected);
    expect(phi4MiniFormat.parse(`<|tool_call|>${list}`)).toEqual(expected);
  });
  test("objects joined by commas without the list's brackets", () => {
    const raw =
      '<|tool_call|>{"name": "calculate_sales_tax", "arguments": {"purchase_amount": 30.45, "city": "Chicago", "state": "Illinois"}}, ' +
      '{"name": "calculate_sales_tax", "arguments": {"purchase_amount": 52.33, "city": "Sacramento", "state": "California"}}<|/tool_call|>';
    expect(phi4MiniFormat.parse(raw)?.map((c) => c.name)).toEqual(["calculate_sales_tax", "calculate_sales_tax"]);
  });
  test("a variable where a value should be is not a call", () => {
    expect(phi4MiniFormat.parse('<|tool_call|>[{"name": "random_forest.train", "arguments": {"n_estimators": 100, "max_depth": 5, "data": my_data}}]<|/tool_call|>')).toBeNull();
  });
});

describe("SmolLM2", () => {
  test("a list of calls, and the empty list that means no call", () => {
    // HuggingFaceTB/SmolLM2-1.7B-Instruct, instructions_function_calling.md (the output format it asks for).
    expect(smollm2Format.parse('<tool_call>[\n{"name": "get_current_time", "arguments": {}},\n{"name": "get_random_number_between", "arguments": {"min": 1, "max": 10}}\n]</tool_call>')).toEqual([
      call("get_current_time", {}),
      call("get_random_number_between", { min: 1, max: 10 }),
    ]);
    expect(smollm2Format.parse("<tool_call>[]</tool_call>")).toEqual([]);
  });
});

describe("Qwen3.5 XML", () => {
  // vllm-project/vllm, tests/entrypoints/openai/tool_parsers/test_qwen3xml_tool_parser.py.
  const tools: ChatCompletionTool[] = [
    { type: "function", function: { name: "typed_fn", parameters: { type: "object", properties: { count: { type: "integer" }, label: { type: "string" }, data: { type: "object" } } } } },
  ];
  test("parameters, typed by the tool's schema", () => {
    expect(qwen35Format.parse("<tool_call>\n<function=get_weather>\n<parameter=city>\nLondon\n</parameter>\n</function>\n</tool_call>")).toEqual([call("get_weather", { city: "London" })]);
    const typed = "<tool_call>\n<function=typed_fn>\n<parameter=count>\n42\n</parameter>\n<parameter=label>\n42\n</parameter>\n<parameter=data>\n{\"key\": \"val\"}\n</parameter>\n</function>\n</tool_call>";
    expect(qwen35Format.parse(typed, tools)).toEqual([call("typed_fn", { count: 42, label: "42", data: { key: "val" } })]);
    expect(qwen35Format.parse("<tool_call>\n<function=noop>\n</function>\n</tool_call>")).toEqual([call("noop", {})]);
    expect(qwen35Format.parse("<tool_call>\n<function=f>\n<parameter=text>\nfirst line\nsecond line\n</parameter>\n</function>\n</tool_call>")).toEqual([call("f", { text: "first line\nsecond line" })]);
  });
  test("two calls, and what is not a call", () => {
    const two = "<tool_call>\n<function=f1>\n<parameter=a>\nfoo\n</parameter>\n</function>\n</tool_call>\n<tool_call>\n<function=f2>\n<parameter=b>\nbar\n</parameter>\n</function>\n</tool_call>";
    expect(qwen35Format.parse(two)).toEqual([call("f1", { a: "foo" }), call("f2", { b: "bar" })]);
    expect(qwen35Format.parse("<function=quick>\n<parameter=z>\nhello\n</parameter>\n</function>")).toBeNull();
    expect(qwen35Format.parse("<tool_call>\n<function=f>\nstray text\n</function>\n</tool_call>")).toBeNull();
  });
});
