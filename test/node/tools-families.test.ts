/** The family table: every prebuilt model id of WebLLM 0.2.86 has the format the fixture names. */
import { prebuiltAppConfig } from "@mlc-ai/web-llm";
import { expect, test } from "vitest";
import { TOOL_FORMATS, toolFormatFor } from "../../src/tools/families.js";
import { PREBUILT_FORMATS } from "../fixtures/tools/prebuilt-formats.js";

test("the fixture lists every prebuilt id, once, in catalog order", () => {
  expect(PREBUILT_FORMATS.map(([id]) => id)).toEqual(prebuiltAppConfig.model_list.map((r) => r.model_id));
});

test("each prebuilt id gets the format the fixture names", () => {
  for (const [id, name] of PREBUILT_FORMATS) expect(toolFormatFor(id)?.name ?? null, id).toBe(name);
});

test("embedding models get no tools", () => {
  for (const r of prebuiltAppConfig.model_list) if (r.model_type === 1) expect(toolFormatFor(r.model_id), r.model_id).toBeNull();
});

test("ids outside the catalog: known families by name, anything else the generic protocol", () => {
  expect(toolFormatFor("Qwen2.5-0.5B-Instruct-q4f32_1-MLC-custom")?.name).toBe("qwen2.5");
  expect(toolFormatFor("Llama-3.3-70B-Instruct-q3f16_1-MLC")?.name).toBe("llama3-json");
  expect(toolFormatFor("fake-1")?.name).toBe("generic-json");
  expect(toolFormatFor("my-own-model")?.native).toBe(false);
});

test("format names are unique, and only the generic protocol is not native", () => {
  expect(new Set(TOOL_FORMATS.map((f) => f.name)).size).toBe(TOOL_FORMATS.length);
  expect(TOOL_FORMATS.filter((f) => !f.native).map((f) => f.name)).toEqual(["generic-json"]);
  for (const [, name] of PREBUILT_FORMATS) if (name) expect(TOOL_FORMATS.some((f) => f.name === name)).toBe(true);
});

