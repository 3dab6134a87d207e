import { cdp } from "vitest/browser";

// Heap use of the test page and of one of its workers, each measured after a full garbage
// collection, through the Chrome DevTools Protocol: `performance.memory` exists in a page but
// not in a worker, and neither can force a collection. A worker is found by its DevTools title,
// which is the name it was created with.

interface Session {
  send(method: string, params?: Record<string, unknown>): Promise<unknown>;
  on(event: string, listener: (payload: never) => void): unknown;
  off(event: string, listener: (payload: never) => void): unknown;
}

interface HeapUsage {
  usedSize: number;
}

/** Sends `method` to the worker target titled `title` through a session attached for the call. */
async function inWorker<T>(session: Session, title: string, method: string): Promise<T> {
  const { targetInfos } = (await session.send("Target.getTargets")) as { targetInfos: { targetId: string; type: string; title: string }[] };
  const target = targetInfos.find((t) => t.type === "worker" && t.title === title);
  if (!target) throw new Error(`No worker target titled ${title}`);
  const { sessionId } = (await session.send("Target.attachToTarget", { targetId: target.targetId, flatten: false })) as { sessionId: string };
  try {
    return await new Promise<T>((resolve, reject) => {
      const onMessage = (e: { sessionId: string; message: string }): void => {
        if (e.sessionId !== sessionId) return;
        const msg = JSON.parse(e.message) as { id?: number; result?: T; error?: { message: string } };
        if (msg.id !== 1) return;
        session.off("Target.receivedMessageFromTarget", onMessage as (payload: never) => void);
        if (msg.error) reject(new Error(msg.error.message));
        else resolve(msg.result as T);
      };
      session.on("Target.receivedMessageFromTarget", onMessage as (payload: never) => void);
      void session.send("Target.sendMessageToTarget", { sessionId, message: JSON.stringify({ id: 1, method }) });
    });
  } finally {
    await session.send("Target.detachFromTarget", { sessionId }).catch(() => {});
  }
}

/** Used heap bytes of the page and of the worker titled `workerTitle`, each after a GC. */
export async function heapAfterGc(workerTitle: string): Promise<{ page: number; worker: number }> {
  const session = cdp() as unknown as Session;
  await session.send("HeapProfiler.enable");
  await session.send("HeapProfiler.collectGarbage");
  const page = ((await session.send("Runtime.getHeapUsage")) as HeapUsage).usedSize;
  await inWorker(session, workerTitle, "HeapProfiler.collectGarbage");
  const worker = (await inWorker<HeapUsage>(session, workerTitle, "Runtime.getHeapUsage")).usedSize;
  return { page, worker };
}
