/**
 * Where WebLLM 0.2.86 fetches a model's files from. These copy WebLLM's own rules exactly, so our
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
  if (!/.+\/resolve\/.+\//.test(url)) url += "resolve/main/";
  return new URL(url).href;
}

/** `…/resolve/main/mlc-chat-config.json`: the first file WebLLM fetches. */
export function chatConfigUrl(model: string): string {
  return new URL("mlc-chat-config.json", modelBaseUrl(model)).href;
}

/** `…/resolve/main/tensor-cache.json`: the list of weight shards. */
export function tensorCacheUrl(model: string): string {
  return new URL("tensor-cache.json", modelBaseUrl(model)).href;
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
  if (modelLib.includes("localhost")) return { url: absoluteUrl(modelLib), cached: false };
  if (!modelLib.startsWith("http")) return { url: absoluteUrl(modelLib), cached: false };
  return { url: modelLib, cached: true };
}
