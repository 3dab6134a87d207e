import { APIUserAbortError } from "../errors/classes.js";
import { onAbort } from "../util/abort.js";

interface Job {
  run: () => Promise<void>;
  /** Removes the job's abort listener. */
  release: () => void;
}

/**
 * A FIFO lane: one job runs at a time, because one GPU model serves one request at a time.
 * A job whose signal aborts while it waits leaves the queue at once and rejects; a running job
 * that aborts is expected to wind down quickly, and the next job starts when it has.
 */
export class Queue {
  private readonly waiting: Job[] = [];
  private busy = false;

  /** Requests waiting for their turn. */
  get queued(): number {
    return this.waiting.length;
  }

  /** 1 while a job runs. */
  get running(): number {
    return this.busy ? 1 : 0;
  }

  push<T>(task: () => Promise<T>, signal: AbortSignal): Promise<T> {
    if (signal.aborted) return Promise.reject(new APIUserAbortError());
    return new Promise<T>((resolve, reject) => {
      const job: Job = {
        release: onAbort(signal, () => {
          const i = this.waiting.indexOf(job);
          if (i >= 0) this.waiting.splice(i, 1);
          reject(new APIUserAbortError());
        }),
        run: () => task().then(resolve, reject),
      };
      this.waiting.push(job);
      this.pump();
    });
  }

  private pump(): void {
    if (this.busy) return;
    const job = this.waiting.shift();
    if (!job) return;
    job.release();
    this.busy = true;
    void job.run().finally(() => {
      this.busy = false;
      this.pump();
    });
  }
}
