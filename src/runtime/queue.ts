import { APIUserAbortError } from "../errors/classes.js";
import { onAbort } from "../util/abort.js";

interface Job {
  run: () => Promise<void>;
  /** Removes the job's abort listener. */
  release: () => void;
}

/** How long a running job may go on after its caller aborted it, by default: see `Queue.abortTimeoutMs`. */
export const ABORT_TIMEOUT_MS = 60_000;

const MAX_DELAY_MS = 2 ** 31 - 1;

/** The line of callers that give no owner. */
const ANYONE = {};

/**
 * The lane's queue: one job runs at a time, because one GPU model serves one request at a time.
 *
 * Fair between connections (tabs of a SharedWorker, pages on a leader tab): each connection has
 * its own FIFO line, and the next job comes from the line served least recently. So a tab with
 * ten requests waiting makes another tab's single request wait for at most the job running now,
 * and two busy tabs alternate. Within one connection, jobs run in the order they were pushed.
 *
 * A job whose signal aborts while it waits leaves its line at once and rejects; a running job
 * that aborts is expected to wind down quickly, and the next job starts when it has. One that
 * has not ended `abortTimeoutMs` after its abort is abandoned: `onAbandon` runs, the next job
 * starts, and whatever the abandoned job does later is ignored.
 */
export class Queue {
  /** Each connection's waiting jobs, in order; a line is dropped when it empties. */
  private readonly lines = new Map<object, Job[]>();
  /**
   * When each connection last had a job start (the queue's service count). Kept after its line
   * empties, so a tab that sends its next request the moment the last one ends does not count as
   * never served and jump ahead; weak, so a closed tab's connection is not held.
   */
  private readonly lastServed = new WeakMap<object, number>();
  private busy = false;
  /** The job running now; a late end of an abandoned one must not start another. */
  private active: Job | null = null;
  private served = 0;
  /**
   * How long a running job may go on after its caller aborted it. An aborted generation ends
   * within one decode step, or once the prefill under way finishes, which cannot be cut short;
   * one that takes longer is stuck (WebLLM 0.2.79 never answers when its grammar set-up throws),
   * and would otherwise hold every later request for ever. `Infinity` waits for ever.
   */
  abortTimeoutMs = ABORT_TIMEOUT_MS;
  /** Runs when a job is abandoned, before the next one starts: the owner of the work frees itself from it. */
  onAbandon: (() => void) | null = null;
  /** Whose job runs now. */
  private current: object | null = null;

  /** Requests waiting for their turn, on every line. */
  get queued(): number {
    let n = 0;
    for (const jobs of this.lines.values()) n += jobs.length;
    return n;
  }

  /** 1 while a job runs. */
  get running(): number {
    return this.busy ? 1 : 0;
  }

  /** Whether any connection other than `owner` has work running or waiting. */
  othersBusy(owner: object): boolean {
    if (this.busy && this.current !== owner) return true;
    for (const key of this.lines.keys()) if (key !== owner) return true;
    return false;
  }

  /** Queues `task` on `owner`'s line (one line per connection: the object that stands for it). */
  push<T>(task: () => Promise<T>, signal: AbortSignal, owner: object = ANYONE): Promise<T> {
    if (signal.aborted) return Promise.reject(new APIUserAbortError());
    let jobs = this.lines.get(owner);
    if (!jobs) this.lines.set(owner, (jobs = []));
    const line = jobs;
    return new Promise<T>((resolve, reject) => {
      const job: Job = {
        release: onAbort(signal, () => {
          const i = line.indexOf(job);
          if (i >= 0) line.splice(i, 1);
          if (line.length === 0 && this.lines.get(owner) === line) this.lines.delete(owner);
          reject(new APIUserAbortError());
        }),
        run: () => {
          let timer: ReturnType<typeof setTimeout> | undefined;
          const unwatch = onAbort(signal, () => {
            // Browsers fire a delay past 2^31 - 1 ms at once, so a longer one (Infinity: never) sets no timer.
            if (this.abortTimeoutMs <= MAX_DELAY_MS) timer = setTimeout(() => this.abandon(job), this.abortTimeoutMs);
          });
          return task()
            .then(resolve, reject)
            .finally(() => {
              unwatch();
              clearTimeout(timer);
            });
        },
      };
      line.push(job);
      this.pump();
    });
  }

  private pump(): void {
    if (this.busy) return;
    // The line served least recently (never served counts as longest ago); ties go to the line
    // that has waited longest, which the map's insertion order gives.
    let owner: object | null = null;
    let oldest = Infinity;
    for (const key of this.lines.keys()) {
      const last = this.lastServed.get(key) ?? -1;
      if (last < oldest) {
        oldest = last;
        owner = key;
      }
    }
    if (owner === null) return;
    const line = this.lines.get(owner) as Job[];
    const job = line.shift() as Job;
    if (line.length === 0) this.lines.delete(owner);
    job.release();
    this.lastServed.set(owner, this.served++);
    this.busy = true;
    this.current = owner;
    this.active = job;
    void job.run().finally(() => this.ended(job));
  }

  /** Starts the next job once `job` is over, unless `job` was abandoned and another runs already. */
  private ended(job: Job): void {
    if (this.active !== job) return;
    this.active = null;
    this.busy = false;
    this.current = null;
    this.pump();
  }

  /** Gives up on a running job that its abort did not end in time. */
  private abandon(job: Job): void {
    if (this.active !== job) return;
    try {
      this.onAbandon?.();
    } finally {
      this.ended(job);
    }
  }
}
