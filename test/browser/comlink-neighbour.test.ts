// pagellm must leave comlink's global registry alone: an app that uses comlink for its own
// workers, next to a pagellm engine, keeps comlink's behaviour. pagellm used to replace
// `transferHandlers.get("throw")` for the whole page and worker, so the app's TypeError arrived
// as pagellm's InternalServerError with status 500.
import { transferHandlers, wrap } from "comlink";
import { afterAll, expect, test } from "vitest";
import { BadRequestError, type Engine } from "../../src/index.js";
import { fakeEngine } from "./harness.js";

const engines: Engine[] = [];
afterAll(() => engines.forEach((e) => e.close()));

test("an app's own comlink worker still gets its own errors, unchanged, beside a pagellm engine", async () => {
  const handlers = new Map(transferHandlers);
  const engine = await fakeEngine();
  engines.push(engine);
  // pagellm's own errors still cross by class.
  const bad = await engine.chat.completions.create({ model: "fake-1", messages: [], max_tokens: 1 }).catch((e: unknown) => e);
  expect(bad).toBeInstanceOf(BadRequestError);
  expect(await engine.models.retrieve("nope").catch((e: unknown) => e)).toMatchObject({ status: 404, name: "NotFoundError" });

  const app = wrap<{ boom(): never; echo(x: string): string }>(
    new Worker(new URL("./fixtures/app-comlink-worker.ts", import.meta.url), { type: "module" }),
  );
  expect(await app.echo("hi")).toBe("hi");
  const err = (await (app.boom() as Promise<never>).catch((e: unknown) => e)) as Error & Record<string, unknown>;
  // comlink's own "throw" handler rebuilds an Error with the thrower's name and message.
  expect(err).toBeInstanceOf(Error);
  expect(err.name).toBe("TypeError");
  expect(err.message).toBe("the app's own failure");
  expect(err).not.toHaveProperty("status");
  expect(err.constructor.name).not.toBe("InternalServerError");
  // And the registry itself is the one comlink made: the same handlers, the same objects.
  expect(new Map(transferHandlers)).toEqual(handlers);
  for (const [name, handler] of handlers) expect(transferHandlers.get(name)).toBe(handler);
});
