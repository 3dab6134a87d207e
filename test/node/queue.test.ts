// The lane's queue is fair between connections: round-robin between them, FIFO within one.
import { expect, test } from "vitest";
import { Queue } from "../../src/runtime/queue.js";

/** A job that records its name when it starts and ends when `release` is called. */
function recorder() {
  const order: string[] = [];
  const gates: (() => void)[] = [];
  const job = (name: string) => () =>
    new Promise<void>((resolve) => {
      order.push(name);
      gates.push(resolve);
    });
  const releaseNext = async () => {
    await Promise.resolve();
    gates.shift()?.();
    await new Promise((r) => setTimeout(r, 0));
  };
  return { order, job, releaseNext };
}

const never = new AbortController().signal;

test("a tab with ten queued requests makes another tab's one request wait for at most the running one", async () => {
  const q = new Queue();
  const a = {};
  const b = {};
  const { order, job, releaseNext } = recorder();
  const all = Array.from({ length: 10 }, (_, i) => q.push(job(`a${i}`), never, a));
  await Promise.resolve();
  expect(order).toEqual(["a0"]);
  all.push(q.push(job("b0"), never, b));
  expect(q.queued).toBe(10);
  for (let i = 0; i < 11; i++) await releaseNext();
  await Promise.all(all);
  expect(order.slice(0, 3)).toEqual(["a0", "b0", "a1"]);
  expect(order.filter((n) => n.startsWith("a"))).toEqual(Array.from({ length: 10 }, (_, i) => `a${i}`));
});

test("two busy tabs alternate, and FIFO holds within each", async () => {
  const q = new Queue();
  const a = {};
  const b = {};
  const { order, job, releaseNext } = recorder();
  const all = [...[0, 1, 2].map((i) => q.push(job(`a${i}`), never, a)), ...[0, 1, 2].map((i) => q.push(job(`b${i}`), never, b))];
  for (let i = 0; i < 6; i++) await releaseNext();
  await Promise.all(all);
  expect(order).toEqual(["a0", "b0", "a1", "b1", "a2", "b2"]);
});

test("a tab that sends its next request the moment the last ends does not jump ahead of a waiting tab", async () => {
  const q = new Queue();
  const a = {};
  const b = {};
  const { order, job, releaseNext } = recorder();
  const first = q.push(job("a0"), never, a);
  const bs = [0, 1].map((i) => q.push(job(`b${i}`), never, b));
  // a's chat loop: a new request right after each reply.
  const loop = first.then(() => q.push(job("a1"), never, a)).then(() => q.push(job("a2"), never, a));
  for (let i = 0; i < 5; i++) await releaseNext();
  await Promise.all([loop, ...bs]);
  expect(order).toEqual(["a0", "b0", "a1", "b1", "a2"]);
});

test("an aborted waiting job leaves its line at once; the others keep their turns", async () => {
  const q = new Queue();
  const a = {};
  const b = {};
  const { order, job, releaseNext } = recorder();
  const ctl = new AbortController();
  const running = q.push(job("a0"), never, a);
  const dropped = q.push(job("b0"), ctl.signal, b);
  const kept = q.push(job("a1"), never, a);
  ctl.abort();
  await expect(dropped).rejects.toMatchObject({ name: "APIUserAbortError" });
  expect(q.queued).toBe(1);
  for (let i = 0; i < 2; i++) await releaseNext();
  await Promise.all([running, kept]);
  expect(order).toEqual(["a0", "a1"]);
  expect(q.queued).toBe(0);
  expect(q.running).toBe(0);
});
