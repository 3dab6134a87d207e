/** What `TextGate.push` lets through. */
export interface GateResult {
  /** Text that is safe to emit now. */
  emit: string;
  /** The sequence that matched, if any. After a match the gate is spent. */
  matched: string | null;
  /** Everything from the match on (the sequence included); empty without a match. */
  rest: string;
}

/**
 * Finds sequences in text that arrives in pieces, even when a sequence is split across pieces.
 * It holds back the shortest tail that could still start a sequence, and never emits half of a
 * UTF-16 surrogate pair, so an emoji split across two deltas reaches the page whole. The host
 * uses one gate for the caller's `stop` sequences and one for a model's tool-call opener.
 */
export class TextGate {
  private pending = "";
  private readonly sequences: string[];

  constructor(sequences: readonly string[]) {
    this.sequences = sequences.filter((s) => s.length > 0);
  }

  push(text: string): GateResult {
    const buf = this.pending + text;
    // The match that is complete first wins (the smallest end; at a tie, the longer one), as if
    // the text had arrived one character at a time. Picking the earliest start instead made the
    // cut depend on how the text was split into pieces: ["abcd", "c"] cut "abcd" at "" when it
    // came whole and at "ab" when it came in pieces.
    let at = -1;
    let end = Infinity;
    let matched: string | null = null;
    for (const s of this.sequences) {
      const i = buf.indexOf(s);
      if (i < 0) continue;
      const e = i + s.length;
      if (e < end || (e === end && i < at)) {
        at = i;
        end = e;
        matched = s;
      }
    }
    if (matched !== null) {
      this.pending = "";
      return { emit: buf.slice(0, at), matched, rest: buf.slice(at) };
    }
    let hold = 0;
    for (const s of this.sequences) {
      for (let k = Math.min(s.length - 1, buf.length); k > hold; k--) {
        if (buf.endsWith(s.slice(0, k))) {
          hold = k;
          break;
        }
      }
    }
    let cut = buf.length - hold;
    const last = buf.charCodeAt(cut - 1);
    if (cut > 0 && last >= 0xd800 && last <= 0xdbff) cut -= 1;
    this.pending = buf.slice(cut);
    return { emit: buf.slice(0, cut), matched: null, rest: "" };
  }

  /** Releases what is held back, at the end of generation. */
  flush(): string {
    const out = this.pending;
    this.pending = "";
    return out;
  }
}
