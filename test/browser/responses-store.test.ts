// The Responses API's store: IndexedDB in the worker, read here straight from the page (the page
// and its workers share the origin's databases). A page reload is stood in for by a second
// worker opened after the first one has been terminated: it has no memory of its own, so all it
// can know comes from IndexedDB. Two tabs are two dedicated workers alive at once, and two pages
// on one SharedWorker.
import { afterAll, expect, test } from "vitest";
import { createEngine, InsufficientStorageError, NotFoundError, type Engine } from "../../src/index.js";
import { tokenize } from "../../src/testing.js";
import { freshDb, readStore, responsesEngine, type ResponsesWorkerOptions } from "./responses-support.js";

const model = "fake-1";
const engines: Engine[] = [];
afterAll(() => engines.forEach((e) => e.close()));
const open = async (options: ResponsesWorkerOptions): Promise<Engine> => {
  const e = await responsesEngine(options);
  engines.push(e);
  return e;
};

test("a stored response survives a reload, and its conversation goes on", async () => {
  const dbName = freshDb("reload");
  const before = await open({ dbName, fake: { reply: "Remembered." } });
  const r = await before.responses.create({ model, input: "Remember the number 7." });
  before.close();

  const after = await open({ dbName, fake: { reply: "It was 7." } });
  expect(await after.responses.retrieve(r.id)).toEqual(r);
  const next = await after.responses.create({ model, input: "Which number?", previous_response_id: r.id });
  expect(next.output_text).toBe("It was 7.");
  // The new worker's prompt holds the stored turn, its input and its reply, then the new input
  // (the fake counts 2 tokens around each message and 1 to open the reply).
  expect(next.usage?.input_tokens).toBe((r.usage?.input_tokens ?? 0) + (r.usage?.output_tokens ?? 0) + 2 + tokenize("Which number?").length + 2);
  expect((await after.responses.inputItems.list(r.id)).data[0]).toMatchObject({ role: "user", content: [{ text: "Remember the number 7." }] });
});

test("two tabs see the same stored response: two dedicated workers at once", async () => {
  const dbName = freshDb("tabs");
  const [a, b] = await Promise.all([open({ dbName, fake: { reply: "From tab A." } }), open({ dbName })]);
  const r = await a.responses.create({ model, input: "Hello from A." });
  expect((await b.responses.retrieve(r.id)).output_text).toBe("From tab A.");
  await b.responses.delete(r.id);
  await expect(a.responses.retrieve(r.id)).rejects.toBeInstanceOf(NotFoundError);
});

test("two pages on one SharedWorker see the same stored response", async () => {
  const options: ResponsesWorkerOptions = { dbName: freshDb("shared"), fake: { reply: "Shared." } };
  const url = new URL("./fixtures/responses-worker.ts", import.meta.url);
  const connect = async (): Promise<Engine> => {
    const e = await createEngine({ worker: new SharedWorker(url, { type: "module", name: JSON.stringify(options) }) });
    engines.push(e);
    return e;
  };
  const [a, b] = [await connect(), await connect()];
  const r = await a.responses.create({ model, input: "Hi." });
  expect(await b.responses.retrieve(r.id)).toEqual(r);
  expect((await readStore(options.dbName)).map((s) => s.id)).toEqual([r.id]);
});

test("store: false leaves IndexedDB untouched", async () => {
  const dbName = freshDb("nostore");
  const engine = await open({ dbName, fake: { reply: "Not kept." } });
  const kept = await engine.responses.create({ model, input: "Keep this one." });
  const before = await readStore(dbName);
  const r = await engine.responses.create({ model, input: "Do not keep this.", store: false });
  expect(r.store).toBe(false);
  expect(await readStore(dbName)).toEqual(before);
  expect(before.map((s) => s.id)).toEqual([kept.id]);
  await expect(engine.responses.retrieve(r.id)).rejects.toBeInstanceOf(NotFoundError);
  // Nor does a store: false request create the database where there is none yet.
  const empty = freshDb("nostore-empty");
  const other = await open({ dbName: empty, fake: { reply: "Nothing." } });
  await other.responses.create({ model, input: "Hi.", store: false });
  expect((await indexedDB.databases()).some((d) => d.name === empty)).toBe(false);
});

test("a deleted response is gone from IndexedDB, items and all", async () => {
  const dbName = freshDb("delete");
  const engine = await open({ dbName, fake: { reply: "Short-lived." } });
  const r = await engine.responses.create({ model, input: "Delete me later." });
  const [record] = await readStore(dbName);
  expect(record).toMatchObject({ id: r.id, response: { id: r.id, status: "completed", output_text: "Short-lived." } });
  expect(record?.itemIds).toEqual([record?.input[0]?.id, r.output[0]?.id]);
  expect(record?.context).toEqual([
    { role: "user", content: "Delete me later." },
    { role: "assistant", content: "Short-lived." },
  ]);
  await engine.responses.delete(r.id);
  expect(await readStore(dbName)).toEqual([]);
});

test("the oldest are evicted first, past maxStored or past their time to live", async () => {
  const dbName = freshDb("evict");
  const engine = await open({ dbName, maxStored: 2, fake: { reply: "ok" } });
  const ids: string[] = [];
  for (const input of ["one", "two", "three"]) ids.push((await engine.responses.create({ model, input })).id);
  expect((await readStore(dbName)).map((r) => r.id).sort()).toEqual(ids.slice(1).sort());

  const shortDb = freshDb("ttl");
  const brief = await open({ dbName: shortDb, ttlMs: 300, fake: { reply: "ok" } });
  const old = await brief.responses.create({ model, input: "soon gone" });
  await new Promise((resolve) => setTimeout(resolve, 400));
  await expect(brief.responses.retrieve(old.id)).rejects.toBeInstanceOf(NotFoundError);
  const fresh = await brief.responses.create({ model, input: "new" });
  expect((await readStore(shortDb)).map((r) => r.id)).toEqual([fresh.id]);
});

test("a full quota, injected through the store seam, fails the request clearly", async () => {
  const engine = await open({ dbName: freshDb("quota"), fail: "quota", fake: { reply: "Never shown." } });
  const err = await engine.responses.create({ model, input: "Store me." }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(InsufficientStorageError);
  expect(err).toMatchObject({ status: 507, code: "insufficient_storage" });
  expect((err as Error).message).toMatch(/QuotaExceededError.*quota is full.*store: false/);
  // Before any GPU work: the model was never loaded.
  expect((await engine.stats()).loaded).toBeNull();
  // Over REST it is OpenAI's error body with status 507, not retried.
  const res = await engine.fetch("http://localhost/v1/responses", { method: "POST", body: JSON.stringify({ model, input: "Store me." }) });
  expect(res.status).toBe(507);
  expect(res.headers.get("x-should-retry")).toBe("false");
  expect(await res.json()).toMatchObject({ error: { type: "server_error", code: "insufficient_storage" } });
  // What the message advises works.
  expect((await engine.responses.create({ model, input: "Do not store me.", store: false })).output_text).toBe("Never shown.");
});

test("IndexedDB that cannot be opened (a private window) fails the request clearly", async () => {
  const engine = await open({ dbName: freshDb("blocked"), fail: "blocked", fake: { reply: "ok" } });
  const err = await engine.responses.create({ model, input: "Store me." }).catch((e: unknown) => e);
  expect(err).toMatchObject({ status: 507, code: "insufficient_storage" });
  expect((err as Error).message).toMatch(/InvalidStateError.*IndexedDB is unavailable here/);
  await expect(engine.responses.retrieve("resp_x")).rejects.toMatchObject({ status: 507 });
});
