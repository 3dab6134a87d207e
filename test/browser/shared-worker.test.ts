import { expect, test } from "vitest";
import { createEngine } from "../../src/index.js";

test("two engines on one SharedWorker share its model and queue", async () => {
  const url = new URL("./fixtures/fake-shared-worker.ts", import.meta.url);
  const a = await createEngine({ worker: new SharedWorker(url, { type: "module", name: "pagellm-shared-test" }) });
  const b = await createEngine({ worker: new SharedWorker(url, { type: "module", name: "pagellm-shared-test" }) });
  try {
    await a.load("fake-1");
    // b sees the model a loaded: the load and the cache state live in the one shared worker.
    expect((await b.models.retrieve("fake-1")).cached).toBe(true);
    expect((await b.stats()).loaded).toBe("fake-1");
    const [ra, rb] = await Promise.all([
      a.chat.completions.create({ model: "fake-1", messages: [{ role: "user", content: "a" }] }),
      b.chat.completions.create({ model: "fake-1", messages: [{ role: "user", content: "b" }], stream: true }),
    ]);
    expect(ra.choices[0]?.message.content).toBe("shared hello");
    let text = "";
    for await (const c of rb) text += c.choices[0]?.delta.content ?? "";
    expect(text).toBe("shared hello");
  } finally {
    a.close();
  }
  // Closing one page's connection leaves the other working.
  const after = await b.chat.completions.create({ model: "fake-1", messages: [{ role: "user", content: "c" }] });
  expect(after.choices[0]?.message.content).toBe("shared hello");
  b.close();
});
