import { TextGate } from "../chat/text-gate.js";

const OPEN = "<think>";
const CLOSE = "</think>";

/** A run of output text: the model's thinking, or its answer. */
export interface Piece {
  kind: "reasoning" | "text";
  text: string;
}

/**
 * Whether a model's output begins inside its thinking. The DeepSeek-R1 distills' chat template
 * ends the prompt with `<think>\n`, so their output has no opening tag, only the closing one.
 */
export const startsThinking = (model: string): boolean => /DeepSeek-R1/i.test(model);

/**
 * Splits a model's output, as it streams, into thinking (between `<think>` and `</think>`, as
 * Qwen3 and the DeepSeek-R1 distills write it) and answer. The tags themselves never reach either
 * side, even split across deltas (a `TextGate` holds back what could begin one), and a stray
 * closing tag is dropped rather than shown. The whitespace a model puts right after a tag
 * (`<think>\n`, `</think>\n\n`) is dropped too, so the answer does not begin with blank lines.
 */
export class ThinkSplitter {
  private thinking: boolean;
  private gate: TextGate;
  private trim: boolean;

  constructor(startThinking = false) {
    this.thinking = startThinking;
    this.trim = startThinking;
    this.gate = this.nextGate();
  }

  /** Whether the output is inside the thinking now. */
  get inThinking(): boolean {
    return this.thinking;
  }

  private nextGate(): TextGate {
    // Outside the thinking a closing tag is looked for too, only to drop it.
    return new TextGate(this.thinking ? [CLOSE] : [OPEN, CLOSE]);
  }

  private piece(out: Piece[], text: string): void {
    let t = text;
    if (this.trim) {
      t = t.replace(/^\s+/, "");
      if (t === "") return;
      this.trim = false;
    }
    if (t !== "") out.push({ kind: this.thinking ? "reasoning" : "text", text: t });
  }

  /** The pieces that `text` completes; text that could still begin a tag is held back. */
  push(text: string): Piece[] {
    const out: Piece[] = [];
    let rest = text;
    for (;;) {
      const r = this.gate.push(rest);
      this.piece(out, r.emit);
      if (r.matched === null) return out;
      rest = r.rest.slice(r.matched.length);
      if (r.matched === OPEN || this.thinking) {
        this.thinking = r.matched === OPEN;
        this.trim = true;
      }
      this.gate = this.nextGate();
    }
  }

  /** What is held back, at the end of the output. */
  flush(): Piece[] {
    const out: Piece[] = [];
    this.piece(out, this.gate.flush());
    return out;
  }
}
