import { readdirSync, readFileSync } from "node:fs";
import { getPriority, setPriority } from "node:os";

/**
 * Keeps the processes this run starts at this process's niceness. Chromium raises its own GPU
 * process (where SwiftShader runs every kernel) to nice -8 and resets its zygote and utility
 * processes to 0, even when the run was started with `nice -n 19`; on a machine shared with other
 * people, a half-hour SwiftShader run must stay in the background. Linux only (it reads /proc);
 * elsewhere it does nothing. Returns a function that stops it.
 */
export function keepDescendantsNice(everyMs = 3000): () => void {
  let own: number;
  try {
    own = getPriority();
    readdirSync("/proc");
  } catch {
    return () => undefined;
  }
  const sweep = (): void => {
    for (const pid of descendants(process.pid)) {
      try {
        if (getPriority(pid) < own) setPriority(pid, own);
      } catch {
        // The process has just ended, or is not ours to change.
      }
    }
  };
  sweep();
  const timer = setInterval(sweep, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}

function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after the last ")".
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(entry));
      children.set(ppid, list);
    } catch {
      // Gone already.
    }
  }
  const out: number[] = [];
  const stack = [root];
  while (stack.length > 0) {
    for (const child of children.get(stack.pop()!) ?? []) {
      out.push(child);
      stack.push(child);
    }
  }
  return out;
}
