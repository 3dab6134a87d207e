import type { TestProject } from "vitest/node";

// Global set-up for the browser project. Servers that tests reach over 127.0.0.1 start here and
// hand their addresses to the tests through `provide`.
const teardowns: (() => Promise<void>)[] = [];

export async function setup(project: TestProject): Promise<void> {
  const setups = await import("./setups.js");
  for (const start of setups.all) {
    const { provided, close } = await start();
    for (const [key, value] of Object.entries(provided)) project.provide(key as never, value as never);
    teardowns.push(close);
  }
}

export async function teardown(): Promise<void> {
  await Promise.all(teardowns.map((close) => close()));
}
