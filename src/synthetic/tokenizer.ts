/**
 * The synthetic model's tokenizer: a Hugging Face `tokenizer.json` for a byte-level BPE with no
 * merges. Text therefore always encodes to one token per UTF-8 byte (ids 0-255), plus one token
 * per special token, which makes every prompt's token count predictable (`countTokens`). The
 * ids above 255 are never produced by encoding, but a random model samples them all, so each one
 * decodes to a short visible word ("ka", " tomi", ...): output is readable gibberish, never
 * replacement characters. The special tokens close the vocabulary, where the ChatML template
 * of the chat config expects them.
 */

/** The special tokens of the ChatML template, in id order at the end of the vocabulary. */
export const SPECIAL_TOKENS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"] as const;

/** The ids of the special tokens. */
export interface SpecialTokenIds {
  endoftext: number;
  im_start: number;
  im_end: number;
}

/** The smallest vocabulary that holds the 256 bytes, the special tokens and one word. */
export const MIN_VOCAB_SIZE = 256 + SPECIAL_TOKENS.length + 1;

const CONSONANTS = "bdfghjklmnprstvz";
const VOWELS = "aeiou";
const SYLLABLES = [...CONSONANTS].flatMap((c) => [...VOWELS].map((v) => c + v));

/**
 * GPT-2's byte-to-character table, which byte-level tokenizers use so that every byte is a
 * printable character in the vocabulary: printable Latin-1 bytes stand for themselves, and the
 * others (space, control bytes, ...) map to U+0100 onwards (space is "Ġ", newline "Ċ").
 */
export function byteLevelAlphabet(): string[] {
  const printable = (b: number): boolean => (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
  const out: string[] = [];
  let extra = 0;
  for (let b = 0; b < 256; b++) out.push(String.fromCodePoint(printable(b) ? b : 256 + extra++));
  return out;
}

/** The word of id `256 + k`: syllables in bijective base 80, every other one with a leading space. */
export function wordToken(k: number): string {
  let n = k >> 1;
  let word = "";
  do {
    word = SYLLABLES[n % SYLLABLES.length] + word;
    n = Math.floor(n / SYLLABLES.length) - 1;
  } while (n >= 0);
  return k % 2 === 0 ? `Ġ${word}` : word;
}

/** The ids of the special tokens in a vocabulary of `vocabSize`. */
export function specialTokenIds(vocabSize: number): SpecialTokenIds {
  const first = vocabSize - SPECIAL_TOKENS.length;
  return { endoftext: first, im_start: first + 1, im_end: first + 2 };
}

/**
 * `tokenizer.json` for a vocabulary of exactly `vocabSize` ids, the model's embedding rows, so
 * that every id the model can sample has a token.
 */
export function buildTokenizer(vocabSize: number): Record<string, unknown> {
  if (!Number.isInteger(vocabSize) || vocabSize < MIN_VOCAB_SIZE) throw new Error(`A synthetic vocabulary needs at least ${MIN_VOCAB_SIZE} ids; the model has ${vocabSize}.`);
  const vocab: Record<string, number> = {};
  byteLevelAlphabet().forEach((ch, id) => (vocab[ch] = id));
  const firstSpecial = vocabSize - SPECIAL_TOKENS.length;
  for (let id = 256; id < firstSpecial; id++) vocab[wordToken(id - 256)] = id;
  const added = SPECIAL_TOKENS.map((content, i) => {
    vocab[content] = firstSpecial + i;
    return { id: firstSpecial + i, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true };
  });
  const byteLevel = { type: "ByteLevel", add_prefix_space: false, trim_offsets: true, use_regex: true };
  return {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: added,
    normalizer: null,
    pre_tokenizer: byteLevel,
    post_processor: null,
    decoder: byteLevel,
    model: {
      type: "BPE",
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      vocab,
      merges: [],
    },
  };
}

/**
 * How many tokens the synthetic tokenizer makes of `text`: one per special token, and one per
 * UTF-8 byte of everything else. This is what WebLLM's real tokenizer computes from the
 * `tokenizer.json` above, written out so that tests can predict usage.
 */
export function countTokens(text: string): number {
  const bytes = new TextEncoder();
  let count = 0;
  let rest = text;
  for (;;) {
    let at = -1;
    let special = "";
    for (const s of SPECIAL_TOKENS) {
      const i = rest.indexOf(s);
      if (i >= 0 && (at < 0 || i < at)) [at, special] = [i, s];
    }
    if (at < 0) return count + bytes.encode(rest).length;
    count += bytes.encode(rest.slice(0, at)).length + 1;
    rest = rest.slice(at + special.length);
  }
}
