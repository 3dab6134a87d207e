import { build, type Rolldown } from "vite";
import { expect, test } from "vitest";
import * as errors from "../fixtures/errors-entry.js";

const classes = [
  ["BadRequestError", () => new errors.BadRequestError("bad", "temperature")],
  ["NotFoundError", () => new errors.NotFoundError("missing")],
  ["ContextLengthExceededError", () => new errors.ContextLengthExceededError("too long")],
  ["APIUserAbortError", () => new errors.APIUserAbortError()],
  ["EngineUnavailableError", () => new errors.EngineUnavailableError("no gpu", "webgpu_unavailable")],
  ["ModelLoadError", () => new errors.ModelLoadError("404", "http://127.0.0.1/x.wasm", 404)],
  ["InsufficientStorageError", () => new errors.InsufficientStorageError("full", 2_000_000_000, 500_000_000)],
  ["InternalServerError", () => new errors.InternalServerError("boom")],
] as const;

test.each(classes)("%s survives serialization with its class and fields", (name, make) => {
  const original = make();
  const rebuilt = errors.deserializeError(structuredClone(errors.serializeError(original)));
  expect(rebuilt.constructor).toBe(original.constructor);
  expect(rebuilt.name).toBe(name);
  expect({ ...rebuilt, message: rebuilt.message }).toEqual({ ...original, message: original.message });
});

test("a stray Error becomes an InternalServerError that keeps its name and message", () => {
  const e = errors.toAPIError(new TypeError("x is not a function"));
  expect(e).toBeInstanceOf(errors.InternalServerError);
  expect(e.message).toBe("TypeError: x is not a function");
  expect(errors.toAPIError("a string")).toBeInstanceOf(errors.InternalServerError);
});

test("error names survive a minifier, which renames classes", async () => {
  // Regression: names came from `new.target.name`, so a minified worker sent "C" and the page
  // rebuilt every error as an InternalServerError.
  const out = (await build({
    configFile: false,
    logLevel: "silent",
    build: { write: false, minify: true, lib: { entry: "test/fixtures/errors-entry.ts", formats: ["es"], fileName: "errors" } },
  })) as Rolldown.RolldownOutput[];
  const code = out[0]?.output[0]?.code ?? "";
  const min = (await import(`data:text/javascript,${encodeURIComponent(code)}`)) as typeof errors;
  expect(new min.ModelLoadError("x").name).toBe("ModelLoadError");
  expect(new min.ContextLengthExceededError("x").name).toBe("ContextLengthExceededError");
  expect(min.deserializeError(min.serializeError(new min.NotFoundError("x")))).toBeInstanceOf(min.NotFoundError);
});
