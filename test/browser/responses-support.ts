// Helpers of the Responses API's browser tests (responses-*.test.ts): an engine on a worker with
// its own IndexedDB database, schema checks that run in Node, an exact SSE parser for named
// events, and a direct reader of the store's database.
import { expect } from "vitest";
import { commands } from "vitest/browser";
import { createEngine, type Engine } from "../../src/index.js";
import type { FakeBackendOptions } from "../../src/testing.js";
import type { StoredResponse } from "../../src/worker.js";
import type { ResponsesSchemaName } from "../support/responses-schema.js";

/** What the responses worker fixture is started with. */
export interface ResponsesWorkerOptions {
  fake?: FakeBackendOptions;
  /** The store's database: one per test file, so that files running side by side do not meet. */
  dbName: string;
  maxStored?: number;
  ttlMs?: number;
  /** A failure injected through the store seam. */
  fail?: "quota" | "blocked";
}

/** A real module Worker serving the fake backend and the IndexedDB store. */
export function responsesWorker(options: ResponsesWorkerOptions): Worker {
  return new Worker(new URL("./fixtures/responses-worker.ts", import.meta.url), { type: "module", name: JSON.stringify(options) });
}

/** An engine on a fresh responses worker. */
export function responsesEngine(options: ResponsesWorkerOptions): Promise<Engine> {
  return createEngine({ worker: responsesWorker(options) });
}

/** Asserts that `value` validates against the Responses API's schema `name` (checked in Node by ajv). */
export async function expectResponsesSchema(name: ResponsesSchemaName, value: unknown): Promise<void> {
  expect(await commands.validateResponsesSchema(name, value), `${name}: ${JSON.stringify(value).slice(0, 400)}`).toBeNull();
}

/**
 * Splits a Responses SSE body into its events, checking OpenAI's framing on the way: every event
 * is exactly `event: <type>\ndata: <json>\n\n`, the type line matches the data's `type`, and there
 * is no `[DONE]`.
 */
export function sseFrames(text: string): { event: string; data: Record<string, unknown> }[] {
  expect(text.endsWith("\n\n")).toBe(true);
  return text
    .slice(0, -2)
    .split("\n\n")
    .map((frame) => {
      const m = /^event: ([^\n]+)\ndata: ([^\n]+)$/.exec(frame);
      expect(m, frame).not.toBeNull();
      const data = JSON.parse(m?.[2] ?? "null") as Record<string, unknown>;
      expect(data.type).toBe(m?.[1]);
      return { event: m?.[1] ?? "", data };
    });
}

/** Every record in the store's database, read from the page, or `[]` when the database does not exist. */
export function readStore(dbName: string): Promise<StoredResponse[]> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(dbName);
    let created = false;
    // Opening a database that does not exist would create it empty: undo that, and report none.
    req.onupgradeneeded = () => {
      created = true;
      req.transaction?.abort();
    };
    req.onerror = () => (created ? resolve([]) : reject(req.error));
    req.onsuccess = () => {
      const db = req.result;
      const all = db.transaction("responses", "readonly").objectStore("responses").getAll();
      all.onsuccess = () => {
        db.close();
        resolve(all.result as StoredResponse[]);
      };
      all.onerror = () => reject(all.error);
    };
  });
}

/** A database name no other test uses. */
export const freshDb = (label: string): string => `pagellm-test-${label}-${crypto.randomUUID()}`;

/**
 * Wraps a fetch function so that every Responses API body it returns is also checked against
 * OpenAI's schemas: JSON by its route (a response, an item list, a deletion, or an error), SSE
 * event by event. The checks read a clone; `settle()` waits for them and fails on the first
 * invalid body. Not for tests that cancel a body: the clone keeps reading, and with it generation.
 */
export function validatingResponsesFetch(inner: typeof fetch): typeof fetch & { settle(): Promise<number> } {
  const checks: Promise<void>[] = [];
  const check = async (url: string, method: string, res: Response): Promise<void> => {
    const text = await res.text();
    if (!res.ok) return expectResponsesSchema("ErrorResponse", JSON.parse(text));
    if (res.headers.get("content-type")?.startsWith("text/event-stream")) {
      for (const { data } of sseFrames(text)) await expectResponsesSchema("ResponseStreamEvent", data);
      return;
    }
    const body = JSON.parse(text) as Record<string, unknown>;
    if (new URL(url, location.href).pathname.endsWith("/input_items")) return expectResponsesSchema("ResponseItemList", body);
    if (method === "DELETE") return void expect(body).toMatchObject({ object: "response", deleted: true });
    return expectResponsesSchema("Response", body);
  };
  const wrapped = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const res = await inner(input, init);
    checks.push(check(String(input instanceof Request ? input.url : input), init?.method ?? (input instanceof Request ? input.method : "GET"), res.clone()));
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
