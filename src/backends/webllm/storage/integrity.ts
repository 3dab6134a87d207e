import { ModelLoadError } from "../../../errors/classes.js";

const ALGORITHMS: Record<string, string> = { sha256: "SHA-256", sha384: "SHA-384", sha512: "SHA-512" };

/**
 * Checks `bytes` against a record's Subresource Integrity hash (`"sha256-BASE64"`), as WebLLM's
 * `ModelRecord.integrity` declares it, before the file is stored: WebLLM checks only after it has
 * stored a file, so a wrong file would stay and fail every later load. `onFailure: "warn"` only
 * warns, as WebLLM's does.
 */
export async function checkIntegrity(bytes: ArrayBuffer, sri: string, url: string, onFailure: "error" | "warn" = "error"): Promise<void> {
  const m = /^(sha256|sha384|sha512)-([A-Za-z0-9+/]+={0,2})$/.exec(sri.trim());
  const algorithm = m?.[1] ? ALGORITHMS[m[1]] : undefined;
  if (!m || !algorithm) throw new ModelLoadError(`The integrity hash for ${url} is not an SRI hash ("sha256-…", "sha384-…" or "sha512-…"): ${sri}`, url, null);
  const digest = new Uint8Array(await crypto.subtle.digest(algorithm, bytes));
  const actual = btoa(String.fromCharCode(...digest));
  if (actual === m[2]) return;
  const message = `${url} does not match its integrity hash: expected ${sri}, got ${m[1]}-${actual}. It was not stored.`;
  if (onFailure === "warn") console.warn(`pagellm: ${message}`);
  else throw new ModelLoadError(message, url, null);
}
