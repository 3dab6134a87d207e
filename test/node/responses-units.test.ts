// Unit tests of the Responses endpoint's pure parts: the thinking splitter, the translation of
// input items into chat messages, `truncation: "auto"`'s cut, and validation's refusals.
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { ThinkSplitter, type Piece } from "../../src/endpoints/responses/think.js";
import { dropOldest, toChatMessages } from "../../src/endpoints/responses/translate.js";
import { validateResponses } from "../../src/endpoints/responses/validate.js";
import type { ResponseItem } from "../../src/index.js";

/** Feeds `parts` to a splitter and joins what it yields, kind by kind, in order. */
function split(parts: string[], startThinking = false): Piece[] {
  const s = new ThinkSplitter(startThinking);
  const out: Piece[] = [];
  for (const p of [...parts.flatMap((t) => s.push(t)), ...s.flush()]) {
    const last = out.at(-1);
    if (last?.kind === p.kind) last.text += p.text;
    else out.push({ ...p });
  }
  return out;
}

describe("ThinkSplitter", () => {
  test("thinking and answer, tags and the blank lines after them dropped", () => {
    expect(split(["<think>\nHmm, a greeting.\n</think>\n\nHello!"])).toEqual([
      { kind: "reasoning", text: "Hmm, a greeting.\n" },
      { kind: "text", text: "Hello!" },
    ]);
  });

  test("an empty thinking block (Qwen3 with thinking off) leaves only the answer", () => {
    expect(split(["<think>\n\n</think>\n\n", "Hi."])).toEqual([{ kind: "text", text: "Hi." }]);
  });

  test("output that begins inside the thinking (R1 distills), and a stray closing tag", () => {
    expect(split(["Reasoning here.</think>\n\nAnswer."], true)).toEqual([
      { kind: "reasoning", text: "Reasoning here." },
      { kind: "text", text: "Answer." },
    ]);
    expect(split(["Just an answer.</think> More."])).toEqual([{ kind: "text", text: "Just an answer. More." }]);
  });

  test("text without tags passes through whole, leading whitespace included", () => {
    expect(split(["  Plain <b>text</b> < > </thin"])).toEqual([{ kind: "text", text: "  Plain <b>text</b> < > </thin" }]);
  });

  test("however the output is cut into deltas, the pieces are the same and no tag leaks", () => {
    const raw = "<think>\nStep one. Step <two>.\n</think>\n\nThe answer is <42>.";
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: raw.length }), { maxLength: 12 }), (cuts) => {
        const at = [...new Set(cuts)].sort((a, b) => a - b);
        const parts = [0, ...at].map((c, i) => raw.slice(c, at[i] ?? raw.length));
        const pieces = split(parts);
        expect(pieces).toEqual(split([raw]));
        for (const p of pieces) expect(p.text).not.toMatch(/<\/?think>/);
      }),
    );
  });
});

describe("input items as chat messages", () => {
  const items: ResponseItem[] = [
    { id: "msg_1", type: "message", role: "developer", content: [{ type: "input_text", text: "Be brief." }] },
    { id: "msg_2", type: "message", role: "user", content: [{ type: "input_text", text: "Weather " }, { type: "input_text", text: "in Bern?" }] },
    { id: "rs_1", type: "reasoning", summary: [], content: [{ type: "reasoning_text", text: "thinking" }] },
    { id: "msg_3", type: "message", role: "assistant", status: "completed", content: [{ type: "output_text", text: "Checking.", annotations: [] }] },
    { id: "fc_1", type: "function_call", call_id: "call_1", name: "weather", arguments: '{"city":"Bern"}', status: "completed" },
    { id: "fc_2", type: "function_call", call_id: "call_2", name: "time", arguments: "{}", status: "completed" },
    { id: "fco_1", type: "function_call_output", call_id: "call_1", output: "21C", status: "completed" },
    { id: "fco_2", type: "function_call_output", call_id: "call_2", output: [{ type: "input_text", text: "noon" }], status: "completed" },
  ];

  test("calls join the assistant message before them; outputs become tool messages; reasoning is left out", () => {
    expect(toChatMessages(items)).toEqual([
      { role: "developer", content: "Be brief." },
      { role: "user", content: "Weather in Bern?" },
      {
        role: "assistant",
        content: "Checking.",
        tool_calls: [
          { id: "call_1", type: "function", function: { name: "weather", arguments: '{"city":"Bern"}' } },
          { id: "call_2", type: "function", function: { name: "time", arguments: "{}" } },
        ],
      },
      { role: "tool", tool_call_id: "call_1", content: "21C" },
      { role: "tool", tool_call_id: "call_2", content: "noon" },
    ]);
  });

  test("truncation auto drops the oldest message and the tool results that answer it, never the system or the newest", () => {
    const messages = [{ role: "system" as const, content: "s" }, ...toChatMessages(items.slice(1)), { role: "user" as const, content: "last" }];
    expect(dropOldest(messages)?.map((m) => m.role)).toEqual(["system", "assistant", "tool", "tool", "user"]);
    const second = dropOldest(dropOldest(messages) ?? []);
    expect(second?.map((m) => m.role)).toEqual(["system", "user"]);
    expect(dropOldest(second ?? [])).toBeNull();
  });
});

describe("validation", () => {
  const base = { model: "m", input: "hi" };
  test("defaults, as OpenAI's API fills them in", () => {
    const v = validateResponses(base);
    expect(v).toMatchObject({ store: true, stream: false, tool_choice: "auto", parallel_tool_calls: true, truncation: "disabled", format: { type: "text" }, metadata: {} });
    expect(v.input).toMatchObject([{ type: "message", role: "user", content: [{ type: "input_text", text: "hi" }] }]);
  });

  test.each([
    [{ input: undefined }, "input"],
    [{ input: [] }, "input"],
    [{ input: [{ type: "web_search_call", id: "ws_1" }] }, "input[0].type"],
    [{ input: [{ role: "robot", content: "x" }] }, "input[0].role"],
    [{ input: [{ role: "user", content: [{ type: "input_file", file_id: "f" }] }] }, "input[0].content[0].type"],
    [{ input: [{ type: "function_call_output", call_id: "c", output: [{ type: "input_image" }] }] }, "input[0].output[0].type"],
    [{ tools: [{ type: "function", name: "bad name" }] }, "tools[0].name"],
    [{ tools: [{ type: "code_interpreter" }] }, "tools[0].type"],
    [{ tool_choice: { type: "function", name: "nope" } }, "tool_choice"],
    [{ text: { format: { type: "json_schema", name: "x" } } }, "text.format.schema"],
    [{ metadata: { k: 1 } }, "metadata.k"],
    [{ max_output_tokens: 0 }, "max_output_tokens"],
    [{ stream_options: { include_obfuscation: true } }, "stream_options"],
    [{ stream: true, stream_options: { include_obfuscation: true } }, "stream_options.include_obfuscation"],
    [{ prompt: { id: "pmpt_1" } }, "prompt"],
    [{ service_tier: "flex" }, "service_tier"],
    [{ top_logprobs: 5 }, "top_logprobs"],
    [{ truncation: "sometimes" }, "truncation"],
  ])("%j is refused, naming %s", (extra, param) => {
    expect(() => validateResponses({ ...base, ...extra })).toThrow(expect.objectContaining({ status: 400, param }));
  });
});
