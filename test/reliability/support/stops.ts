// The meaning of `stop`, written as plainly as possible so that tests can hold the streaming gate
// to it: the reply ends where the first stop sequence is complete, as if the model's text had
// arrived one character at a time; when two complete at the same point, the longer one (which
// starts earlier) is cut. The sequence itself is never part of the reply.

/** The reply `text` becomes under `stops`, and the stop sequence that ended it. */
export function cutAtStop(text: string, stops: readonly string[]): { content: string; matched: string | null } {
  let best: { at: number; end: number; stop: string } | null = null;
  for (const stop of stops) {
    if (stop.length === 0) continue;
    const at = text.indexOf(stop);
    if (at < 0) continue;
    const end = at + stop.length;
    if (!best || end < best.end || (end === best.end && at < best.at)) best = { at, end, stop };
  }
  return best ? { content: text.slice(0, best.at), matched: best.stop } : { content: text, matched: null };
}

/** Splits `text` at the given UTF-16 offsets (any order, duplicates allowed). */
export function splitAt(text: string, offsets: readonly number[]): string[] {
  const cuts = [...new Set(offsets.map((o) => o % (text.length + 1)))].sort((a, b) => a - b);
  const pieces: string[] = [];
  let from = 0;
  for (const c of cuts) {
    pieces.push(text.slice(from, c));
    from = c;
  }
  pieces.push(text.slice(from));
  return pieces;
}

/** Whether `s` holds a UTF-16 surrogate without its partner. */
export function hasLoneSurrogate(s: string): boolean {
  return /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);
}
