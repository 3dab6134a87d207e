// Helpers shared by the REST tests (rest-*.test.ts): schema checks that run in Node through a
// browser command, an exact SSE parser, and a fetch wrapper that counts what reaches the engine.
import { expect } from "vitest";
import { commands } from "vitest/browser";
import type { SchemaName } from "../support/schema.js";

/** Asserts that `value` validates against OpenAI's schema `name` (checked in Node by ajv). */
export async function expectSchema(name: SchemaName, value: unknown): Promise<void> {
  expect(await commands.validateSchema(name, value), `${name}: ${JSON.stringify(value)}`).toBeNull();
}

/**
 * Splits an SSE body into its events' data, and checks the framing on the way: every event is
 * exactly `data: <payload>\n\n`, and nothing follows the last one.
 */
export function sseEvents(text: string): string[] {
  expect(text.endsWith("\n\n")).toBe(true);
  const events = text.slice(0, -2).split("\n\n");
  for (const e of events) expect(e).toMatch(/^data: [^\n]+$/);
  return events.map((e) => e.slice("data: ".length));
}

/** Wraps a fetch function and counts the calls that reach it, to prove the SDK did not retry. */
export function countingFetch(inner: typeof fetch): typeof fetch & { calls: { method: string; url: string }[] } {
  const calls: { method: string; url: string }[] = [];
  const counted = (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    calls.push({ method: init?.method ?? "GET", url: String(input instanceof Request ? input.url : input) });
    return inner(input, init);
  };
  return Object.assign(counted, { calls });
}

/**
 * Wraps a fetch function so that every response it returns is also checked against OpenAI's
 * schemas: a JSON body by its route (completion, model list, model, or error), an SSE body chunk
 * by chunk. The checks read a clone, so the caller's reading is untouched; `settle()` waits for
 * them all and fails on the first invalid body. Do not use it where a test cancels a body: the
 * clone keeps reading, and with it generation.
 */
export function validatingFetch(inner: typeof fetch): typeof fetch & { settle(): Promise<number> } {
  const checks: Promise<void>[] = [];
  const check = async (url: string, res: Response): Promise<void> => {
    const text = await res.text();
    if (!res.ok) return expectSchema("ErrorResponse", JSON.parse(text));
    if (res.headers.get("content-type")?.startsWith("text/event-stream")) {
      const events = sseEvents(text);
      expect(events.at(-1)).toBe("[DONE]");
      for (const e of events.slice(0, -1)) await expectSchema("CreateChatCompletionStreamResponse", JSON.parse(e));
      return;
    }
    const path = new URL(url, location.href).pathname;
    const name: SchemaName = path.endsWith("/chat/completions") ? "CreateChatCompletionResponse" : path.endsWith("/models") ? "ListModelsResponse" : "Model";
    return expectSchema(name, JSON.parse(text));
  };
  const wrapped = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const res = await inner(input, init);
    checks.push(check(String(input instanceof Request ? input.url : input), res.clone()));
    return res;
  };
  return Object.assign(wrapped, {
    async settle() {
      const n = checks.length;
      await Promise.all(checks.splice(0));
      return n;
    },
  });
}
