// models.delete over the whole page↔worker path (a real worker_threads Worker, the fake backend),
// where a model can really be loaded: deleting the loaded model unloads it first, and its next
// load is a first load again. The same through the REST adapter's DELETE /v1/models/{id}.
import { afterEach, describe, expect, it } from "vitest";
import { NotFoundError } from "../../src/index.js";
import type { LoadProgress } from "../../src/openai/models.js";
import { schemaErrors } from "../support/schema.js";
import { nodeEngine } from "../support/node-engine.js";

let close: (() => Promise<void>) | null = null;
afterEach(async () => {
  await close?.();
  close = null;
});

describe("models.delete", () => {
  it("unloads the loaded model first, answers OpenAI's DeleteModelResponse, and the next load downloads again", async () => {
    const started = await nodeEngine({ models: ["fake-1", "fake-2"] });
    close = started.close;
    const { engine } = started;
    await engine.load("fake-1");
    expect((await engine.models.retrieve("fake-1")).cached).toBe(true);
    expect((await engine.stats()).loaded).toBe("fake-1");

    const answer = await engine.models.delete("fake-1");
    expect(answer).toEqual({ id: "fake-1", object: "model", deleted: true });
    expect(schemaErrors("DeleteModelResponse", answer)).toBeNull();
    expect((await engine.stats()).loaded).toBeNull();
    expect((await engine.models.retrieve("fake-1")).cached).toBe(false);
    expect(schemaErrors("ListModelsResponse", await engine.models.list())).toBeNull();

    const phases: string[] = [];
    await engine.load("fake-1", { onProgress: (p: LoadProgress) => phases.push(p.phase) });
    expect(phases).toContain("fetch-weights"); // a first load again, not from the cache
    await expect(engine.models.delete("no-such-model")).rejects.toBeInstanceOf(NotFoundError);
  });

  it("DELETE /v1/models/{id} through engine.fetch answers the same, and 404 for an unknown id", async () => {
    const started = await nodeEngine({ models: ["fake-1"] });
    close = started.close;
    const { engine } = started;
    await engine.load("fake-1");
    const res = await engine.fetch("http://localhost/v1/models/fake-1", { method: "DELETE" });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: "fake-1", object: "model", deleted: true });
    expect((await engine.stats()).loaded).toBeNull();
    const missing = await engine.fetch("http://localhost/v1/models/nope", { method: "DELETE" });
    expect(missing.status).toBe(404);
    expect(schemaErrors("ErrorResponse", await missing.json())).toBeNull();
    const wrong = await engine.fetch("http://localhost/v1/models/fake-1", { method: "PUT" });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get("allow")).toBe("GET, DELETE");
  });
});
