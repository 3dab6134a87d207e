// A reader that works hard on every chunk must not turn one batched message into one long task.
// The worker sends the chunks a fast backend makes in one task as one message; the page hands
// them out in slices of about 8 ms and lets the browser paint and handle input in between.
import { expect, test } from "vitest";
import { Call } from "../../src/rpc/call.js";
import type { ChatCompletionChunk } from "../../src/openai/chat.js";
import { CallPort } from "../../src/rpc/call-port.js";
import { chunk } from "../support/chunk.js";


test("a batch read at 3 ms per chunk is spread over several tasks, none much longer than a slice", async () => {
  const call = new Call<ChatCompletionChunk>({ calls: new Set() });
  const port = new CallPort(call.handOff(true));
  await port.send({ t: "chunk", chunk: chunk(0) });
  await call.next();
  const sends: Promise<void>[] = [];
  for (let i = 1; i <= 32; i++) sends.push(port.send({ t: "chunk", chunk: chunk(i) }));
  await Promise.all(sends);
  port.post({ t: "end" });

  // Every time the browser runs another task, the ticker notes it: the stretches between ticks
  // are the tasks the reading ran in.
  let ticks = 0;
  let reading = true;
  const ticker = new MessageChannel();
  ticker.port1.onmessage = () => {
    ticks++;
    if (reading) ticker.port2.postMessage(null);
  };
  ticker.port2.postMessage(null);

  let read = 0;
  let longest = 0;
  let stretch = performance.now();
  let seen = ticks;
  for (let msg = await call.next(); msg; msg = await call.next()) {
    if (ticks !== seen) {
      longest = Math.max(longest, performance.now() - stretch);
      stretch = performance.now();
      seen = ticks;
    }
    read++;
    const busy = performance.now();
    while (performance.now() - busy < 3); // a Markdown re-render, say
  }
  reading = false;
  longest = Math.max(longest, performance.now() - stretch);
  ticker.port1.close();
  port.close();

  expect(read).toBe(32);
  // All 32 in one task would be ~100 ms; in slices, each stretch is about 8 ms plus one chunk.
  expect(ticks).toBeGreaterThan(4);
  expect(longest).toBeLessThan(40);
});
