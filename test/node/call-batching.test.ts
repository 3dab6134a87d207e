// The call port's batching, over a real MessageChannel: chunks made in one task travel as one
// message and are read one by one, in order; what follows them (the end, an error) stays behind
// them. (That a slow reader gets a batch over several tasks is a browser matter: see
// test/browser/call-slicing.test.ts. Node drains a port's queue without returning to the loop.)
import { describe, expect, test } from "vitest";
import { APIUserAbortError, BadRequestError } from "../../src/errors/classes.js";
import { Call } from "../../src/rpc/call.js";
import type { ChatCompletionChunk } from "../../src/openai/chat.js";
import type { CallDownMessage } from "../../src/rpc/wire.js";
import { CallPort } from "../../src/rpc/call-port.js";
import { chunk } from "../support/chunk.js";


/** Both ends of one streamed call in this thread, with every message the page end receives. */
function open(): { call: Call<ChatCompletionChunk>; port: CallPort; wire: CallDownMessage<ChatCompletionChunk>[] } {
  const call = new Call<ChatCompletionChunk>({ calls: new Set() });
  const remote = call.handOff(true);
  const wire: CallDownMessage<ChatCompletionChunk>[] = [];
  // Listen beside the Call's own handler to see what actually crossed.
  call.port.addEventListener("message", (ev) => wire.push((ev as MessageEvent<CallDownMessage<ChatCompletionChunk>>).data));
  return { call, port: new CallPort(remote), wire };
}

async function readAll(call: Call<ChatCompletionChunk>): Promise<CallDownMessage<ChatCompletionChunk>[]> {
  const out: CallDownMessage<ChatCompletionChunk>[] = [];
  for (let msg = await call.next(); msg; msg = await call.next()) out.push(msg);
  return out;
}

describe("call port batching", () => {
  test("chunks sent in one task cross as one message and are read one by one, in order, then the end", async () => {
    const { call, port, wire } = open();
    // Wait for the page's first credits, as the host does before its first chunk.
    await port.send({ t: "chunk", chunk: chunk(0) });
    const sends: Promise<void>[] = [];
    for (let i = 1; i < 40; i++) sends.push(port.send({ t: "chunk", chunk: chunk(i) }));
    await Promise.all(sends);
    port.post({ t: "end" });
    port.close();
    const read = await readAll(call);
    expect(read.map((m) => (m.t === "chunk" ? m.chunk.choices[0]?.delta.content : m.t))).toEqual(Array.from({ length: 40 }, (_, i) => `t${i}`));
    expect(read.every((m) => m.t === "chunk" && m.chunk.id === "chatcmpl-test")).toBe(true);
    // 40 chunks made in (at most) a couple of tasks: far fewer messages than chunks.
    const carriers = wire.filter((m) => m.t === "chunk" || m.t === "chunks");
    expect(carriers.length).toBeLessThan(5);
    expect(wire.at(-1)?.t).toBe("end");
  });

  test("an error after batched chunks arrives after them", async () => {
    const { call, port } = open();
    await port.send({ t: "chunk", chunk: chunk(0) });
    void port.send({ t: "chunk", chunk: chunk(1) });
    void port.send({ t: "chunk", chunk: chunk(2) });
    port.fail(new BadRequestError("late", "x"));
    const seen: string[] = [];
    await expect(async () => {
      for (let msg = await call.next(); msg; msg = await call.next()) if (msg.t === "chunk") seen.push(msg.chunk.choices[0]?.delta.content ?? "");
    }).rejects.toBeInstanceOf(BadRequestError);
    expect(seen).toEqual(["t0", "t1", "t2"]);
  });

  test("a cancel drops what is still batched and stops the sender", async () => {
    const { call, port } = open();
    await port.send({ t: "chunk", chunk: chunk(0) });
    void port.send({ t: "chunk", chunk: chunk(1) });
    call.cancel();
    await expect(call.next()).rejects.toBeInstanceOf(APIUserAbortError);
    await expect.poll(() => port.signal.aborted).toBe(true);
    await expect(port.send({ t: "chunk", chunk: chunk(2) })).rejects.toBeInstanceOf(APIUserAbortError);
    port.close();
  });
});
