/** A small, fixed vocabulary for seeded pseudo-text; changing it changes every seeded reply. */
export const WORDS = (
  "the a local model runs on your own device and keeps every prompt private while it answers " +
  "quickly with tokens from memory page worker stream chunk browser graphics card light river " +
  "mountain garden window paper story simple clear small bright quiet gentle careful honest " +
  "useful steady open calm green blue warm cool early late often never always maybe perhaps"
).split(" ");

/** mulberry32: a tiny, fast, well-distributed 32-bit PRNG. Returns numbers in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a over a string, for seeds derived from text. */
export function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Seeded pseudo-text: sentences of 4-11 words, about `tokens` tokens long in all. */
export function pseudoText(rand: () => number, tokens: number): string {
  const out: string[] = [];
  let count = 0;
  while (count < tokens) {
    const words = 4 + Math.floor(rand() * 8);
    for (let i = 0; i < words; i++) {
      let w = WORDS[Math.floor(rand() * WORDS.length)] ?? "the";
      if (i === 0) w = w.charAt(0).toUpperCase() + w.slice(1);
      out.push(out.length === 0 ? w : ` ${w}`);
    }
    out[out.length - 1] += ".";
    count += words + 1;
  }
  return out.join("");
}
