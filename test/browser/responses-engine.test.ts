// The page API, `engine.responses`, in Chromium with the fake backend in a real module Worker:
// events validate against OpenAI's schemas, `break` and abort stop the worker, thinking becomes
// a reasoning item, and the page's moderation hook and its failures end a response as OpenAI would.
import { afterAll, expect, test } from "vitest";
import { APIUserAbortError, createEngine, type Engine, type EngineOptions, type ResponseStreamEvent } from "../../src/index.js";
import { expectResponsesSchema, freshDb, responsesWorker, type ResponsesWorkerOptions } from "./responses-support.js";

const dbName = freshDb("engine");
const engines: Engine[] = [];
afterAll(() => engines.forEach((e) => e.close()));
async function open(fake: ResponsesWorkerOptions["fake"], options: Omit<EngineOptions, "worker"> = {}): Promise<Engine> {
  const e = await createEngine({ ...options, worker: responsesWorker({ dbName, fake }) });
  engines.push(e);
  return e;
}

async function collect(stream: AsyncIterable<ResponseStreamEvent>): Promise<ResponseStreamEvent[]> {
  const out: ResponseStreamEvent[] = [];
  for await (const e of stream) out.push(e);
  return out;
}

test("every event and the response validate, and the stream agrees with the stored response", async () => {
  const engine = await open({ models: ["Qwen3-0.6B-q4f16_1-MLC"], reply: "<think>\nShort thought.\n</think>\n\nThe answer." });
  const events = await collect(await engine.responses.create({ model: "Qwen3-0.6B-q4f16_1-MLC", input: "Think first.", stream: true }));
  for (const e of events) await expectResponsesSchema("ResponseStreamEvent", e);
  const last = events.at(-1);
  if (last?.type !== "response.completed") throw new Error(String(last?.type));
  await expectResponsesSchema("Response", last.response);
  expect(last.response.output.map((o) => o.type)).toEqual(["reasoning", "message"]);
  expect(last.response.output_text).toBe("The answer.");
  expect(last.response.usage?.output_tokens_details.reasoning_tokens).toBeGreaterThan(0);
  const stored = await engine.responses.retrieve(last.response.id);
  expect(stored).toEqual(last.response);
  await expectResponsesSchema("ResponseItemList", await engine.responses.inputItems.list(stored.id));
});

test("break out of the loop cancels generation in the worker", async () => {
  const engine = await open({ reply: "tick ".repeat(300), tokensPerSecond: 100 });
  const stream = await engine.responses.create({ model: "fake-1", input: "Go on.", stream: true });
  let id = "";
  for await (const e of stream) {
    if (e.type === "response.created") id = e.response.id;
    if (e.type === "response.output_text.delta") break;
  }
  // The port closes once the cancelled response is stored, a moment after the model is free.
  await expect.poll(() => engine.stats()).toMatchObject({ running: 0, openPorts: 0, queued: 0 });
  // What was written before the break is kept, as a cancelled response.
  await expect.poll(async () => (await engine.responses.retrieve(id)).status).toBe("cancelled");
  // The model is free for the next request.
  expect((await engine.responses.create({ model: "fake-1", input: "Next.", max_output_tokens: 2 })).status).toBe("incomplete");
});

test("an abort signal rejects with APIUserAbortError, before or during the stream", async () => {
  const engine = await open({ reply: "tock ".repeat(300), tokensPerSecond: 100 });
  const ctrl = new AbortController();
  const stream = await engine.responses.create({ model: "fake-1", input: "Go.", stream: true }, { signal: ctrl.signal });
  const err = await (async () => {
    for await (const e of stream) if (e.type === "response.output_text.delta") ctrl.abort();
  })().catch((e: unknown) => e);
  expect(err).toBeInstanceOf(APIUserAbortError);
  await expect.poll(async () => (await engine.stats()).running).toBe(0);
  await expect(engine.responses.create({ model: "fake-1", input: "Go." }, { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(APIUserAbortError);
});

test("the page's moderation hook ends a response as incomplete, reason content_filter", async () => {
  const engine = await open({ reply: "Fine words, then a forbidden one." }, { moderate: (text) => text.includes("forbidden") });
  const r = await engine.responses.create({ model: "fake-1", input: "Say it." });
  await expectResponsesSchema("Response", r);
  expect(r).toMatchObject({ status: "incomplete", incomplete_details: { reason: "content_filter" } });
  expect(r.output_text).not.toContain("forbidden");
});

test("an error after the stream began ends it with response.failed", async () => {
  // A moderation hook that throws fails the generation after its first events.
  const engine = await open({ reply: "All is well until now." }, {
    moderate: (text) => {
      if (text.includes("now")) throw new Error("the hook broke");
      return false;
    },
  });
  const events = await collect(await engine.responses.create({ model: "fake-1", input: "Go.", stream: true }));
  for (const e of events) await expectResponsesSchema("ResponseStreamEvent", e);
  const last = events.at(-1);
  expect(last?.type).toBe("response.failed");
  if (last?.type !== "response.failed") return;
  expect(last.response).toMatchObject({ status: "failed", error: { code: "server_error", message: expect.stringContaining("the hook broke") } });
  expect((await engine.responses.retrieve(last.response.id)).status).toBe("failed");
  // Not streamed, the same failure rejects the call.
  await expect(engine.responses.create({ model: "fake-1", input: "Go." })).rejects.toMatchObject({ message: expect.stringContaining("the hook broke") });
});
