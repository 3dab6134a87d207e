// A browser without WebGPU. See fixtures/no-webgpu-worker.ts for how the worker hides
// `navigator.gpu` (the test browser itself has WebGPU on SwiftShader).
import { afterAll, beforeAll, expect, it } from "vitest";
import { createEngine, type Engine } from "../../src/index.js";
import { EngineUnavailableError } from "../../src/errors/classes.js";

let engine: Engine;

beforeAll(async () => {
  const worker = new Worker(new URL("./fixtures/no-webgpu-worker.ts", import.meta.url), { type: "module" });
  engine = await createEngine({ worker });
});
afterAll(() => engine?.close());

it("loading rejects with EngineUnavailableError that says what to do, before any download", async () => {
  const err = await engine.load("SmolLM2-135M-Instruct-q0f32-MLC").then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(EngineUnavailableError);
  expect(err).toMatchObject({ status: 503, code: "webgpu_unavailable" });
  const message = (err as Error).message;
  expect(message).toMatch(/WebGPU is not available/);
  expect(message).toMatch(/Chrome or Edge 113\+/);
  expect(message).toMatch(/enable-unsafe-webgpu/);
});

it("the catalog still lists models: it needs no GPU", async () => {
  const { data } = await engine.models.list();
  expect(data.find((m) => m.id === "SmolLM2-135M-Instruct-q0f32-MLC")?.requires).toEqual([]);
});
