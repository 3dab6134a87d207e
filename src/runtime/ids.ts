const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** A random id in OpenAI's style, such as `chatcmpl-…` or `call_…`. */
export function newId(prefix: string, length = 24): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  let out = prefix;
  for (const b of bytes) out += ALPHABET[b % ALPHABET.length];
  return out;
}

/** Unix time in seconds, as OpenAI's `created` field is. */
export const unixSeconds = (): number => Math.floor(Date.now() / 1000);
