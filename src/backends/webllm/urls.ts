import { MODEL_URL } from "./internals.js";

/**
 * Where WebLLM fetches a model's files from. These copy WebLLM's own rules (named in internals.ts,
 * and checked against the installed WebLLM by test/node/webllm-contract.test.ts) exactly, so our
 * preflight probes and error messages name the very URL that WebLLM would ask for.
 */

/** Relative URLs resolve against the worker's origin, as WebLLM does for `model_lib`. */
function base(): string {
  const loc = (globalThis as { location?: { origin?: string } }).location;
  return loc?.origin && loc.origin !== "null" ? `${loc.origin}/` : "http://localhost/";
}

/** Makes a possibly relative URL absolute. */
export function absoluteUrl(url: string): string {
  return new URL(url, base()).href;
}

/**
 * The base URL of a model's files. WebLLM's `cleanModelUrl` appends `resolve/main/` unless the
 * URL already contains `/resolve/<branch>/`, so `https://host/repo` becomes
 * `https://host/repo/resolve/main/`. (WebLLM itself throws `TypeError: Invalid URL` for a
 * relative `model` URL; the catalog makes every record's URL absolute before WebLLM sees it.)
 */
export function modelBaseUrl(model: string): string {
  let url = absoluteUrl(model);
  if (!url.endsWith("/")) url += "/";
  if (!MODEL_URL.hasBranch.test(url)) url += MODEL_URL.branch;
  return new URL(url).href;
}

/** `…/resolve/main/mlc-chat-config.json`: the first file WebLLM fetches. */
export function chatConfigUrl(model: string): string {
  return new URL(MODEL_URL.chatConfig, modelBaseUrl(model)).href;
}

/** `…/resolve/main/tensor-cache.json`: the list of weight shards. */
export function tensorCacheUrl(model: string): string {
  return new URL(MODEL_URL.tensorCache, modelBaseUrl(model)).href;
}

/** A file next to the config, such as `tokenizer.json`. */
export function modelFileUrl(model: string, file: string): string {
  return new URL(file, modelBaseUrl(model)).href;
}

/**
 * The model library (`.wasm`) URL and whether WebLLM keeps it in Cache Storage. WebLLM fetches a
 * `model_lib` that contains "localhost" or is relative with a plain `fetch` (never cached, so a
 * 404 body would reach `WebAssembly.instantiate`), and every other URL through its
 * `webllm/wasm` cache.
 */
export function modelLibUrl(modelLib: string): { url: string; cached: boolean } {
  if (modelLib.includes(MODEL_URL.uncachedLibHost)) return { url: absoluteUrl(modelLib), cached: false };
  if (!modelLib.startsWith("http")) return { url: absoluteUrl(modelLib), cached: false };
  return { url: modelLib, cached: true };
}
