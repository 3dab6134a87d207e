let channel: MessageChannel | null = null;
const due: (() => void)[] = [];

/**
 * Runs `fn` at the start of a later task, in order. It posts a message to itself through a
 * private MessageChannel: unlike `setTimeout(0)`, which browsers clamp to 4 ms once timers nest
 * (and a loop that yields with timers nests them forever), a message is never delayed.
 */
export function nextTask(fn: () => void): void {
  if (!channel) {
    channel = new MessageChannel();
    channel.port1.onmessage = () => due.shift()?.();
    // Node only: a waiting port must not keep a process alive by itself.
    (channel.port1 as MessagePort & { unref?: () => void }).unref?.();
  }
  due.push(fn);
  channel.port2.postMessage(null);
}

/** `nextTask` as a promise: `await yieldTask()` lets other tasks (input, paint, messages) run. */
export const yieldTask = (): Promise<void> => new Promise<void>((resolve) => nextTask(resolve));
