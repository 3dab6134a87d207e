import { contentText } from "../../openai/content.js";

/**
 * The fake backend's tokenizer. It is deterministic and documented so that tests can predict
 * usage exactly:
 * - a token is optional leading whitespace followed by a run of 1-8 letters or digits, or by
 *   one other character (a Unicode code point, so an emoji is one token);
 * - whitespace at the very end is a token of its own;
 * - joining the tokens gives back the text exactly.
 *
 * `"Hello, world!"` is `["Hello", ",", " world", "!"]`: 4 tokens.
 */
const TOKEN = /\s*(?:[\p{L}\p{N}]{1,8}|[^\s\p{L}\p{N}])|\s+/gu;

/** Splits text into the fake backend's tokens. */
export function tokenize(text: string): string[] {
  return text.match(TOKEN) ?? [];
}

/**
 * The prompt as the fake model sees it: each message is a role marker, its content's tokens and
 * an end marker, and a final assistant marker primes the reply. So `prompt_tokens` is the sum of
 * each message's content tokens plus 2 per message, plus 1.
 */
export function promptTokens(messages: { role: string; content?: unknown }[]): string[] {
  const out: string[] = [];
  for (const m of messages) {
    const content = contentText(m.content);
    // One push per token: spreading a long prompt's tokens into push()'s arguments overflows
    // the stack (a 1 MB prompt is some 200,000 arguments).
    out.push(`<|${m.role}|>`);
    for (const token of tokenize(content)) out.push(token);
    out.push("<|end|>");
  }
  out.push("<|assistant|>");
  return out;
}
