import { EngineUnavailableError, ModelLoadError } from "../../errors/classes.js";
import type { ModelRecord } from "../../openai/models.js";
import type { Catalog } from "./catalog.js";
import { requiredFeatures } from "./features.js";
import { downloadError, noAdapterMessage, noWebGPUMessage, shaderF16Message, UNAVAILABLE } from "./errors.js";
import { CACHE_SCOPES, WEBGPU_MINIMUMS } from "./internals.js";
import { chatConfigUrl, modelFileUrl, modelLibUrl, tensorCacheUrl } from "./urls.js";

/**
 * Checks that run before `MLCEngine.reload`. WebLLM only looks at the GPU after it has downloaded
 * and instantiated the model library, and a missing file surfaces from its Cache Storage layer
 * as a bare `TypeError: Failed to fetch`, with no URL and no status. These checks fail first,
 * and say what is wrong. None of them downloads weights.
 */

/** The fields of `mlc-chat-config.json` that pagellm reads. */
export interface ChatConfigFile {
  tokenizer_files?: string[];
  context_window_size?: number;
  [key: string]: unknown;
}

/** WebGPU is present, an adapter exists, and it has every feature the model needs. */
export async function checkGpu(record: ModelRecord, catalog: Catalog): Promise<void> {
  const gpu = (globalThis.navigator as Navigator | undefined)?.gpu;
  if (!gpu) throw new EngineUnavailableError(noWebGPUMessage(), UNAVAILABLE.webgpu);
  // WebLLM asks for a high-performance adapter; ask for the same one so the features match.
  const adapter = await gpu.requestAdapter({ powerPreference: "high-performance" }).catch(() => null);
  if (!adapter) throw new EngineUnavailableError(noAdapterMessage(), UNAVAILABLE.webgpu);
  // WebLLM checks these only after the library is downloaded and instantiated.
  for (const [name, min] of Object.entries(WEBGPU_MINIMUMS)) {
    const have = adapter.limits[name as keyof typeof WEBGPU_MINIMUMS];
    if (have < min) {
      throw new EngineUnavailableError(`This GPU's ${name} is ${have}, below the ${min} that WebLLM needs to run any model. Try another browser or device.`, UNAVAILABLE.webgpu);
    }
  }
  for (const feature of requiredFeatures(record)) {
    if (adapter.features.has(feature)) continue;
    if (feature === "shader-f16") {
      throw new EngineUnavailableError(shaderF16Message(record.model_id, catalog.f32Alternative(record.model_id)), UNAVAILABLE.f16);
    }
    throw new EngineUnavailableError(
      `Model "${record.model_id}" needs the WebGPU feature "${feature}", which this GPU and browser do not offer.`,
      UNAVAILABLE.feature,
    );
  }
  const needed = record.buffer_size_required_bytes;
  if (typeof needed === "number" && needed > adapter.limits.maxStorageBufferBindingSize) {
    throw new EngineUnavailableError(
      `Model "${record.model_id}" needs storage buffers of ${needed} bytes, but this GPU allows ${adapter.limits.maxStorageBufferBindingSize}. Pick a smaller model.`,
      UNAVAILABLE.feature,
    );
  }
}

/** Whether WebLLM already holds `url` in `scope`, so that it will not download it again. */
async function held(scope: (typeof CACHE_SCOPES)["config" | "wasm"], url: string, catalog: Catalog, record: ModelRecord): Promise<Response | boolean> {
  try {
    if (catalog.backend === "cache") {
      const hit = await (await caches.open(scope)).match(new Request(url));
      return hit ?? false;
    }
    // Other cache backends keep files where we cannot look cheaply; trust the weights' presence.
    return (await catalog.inspect(record)).cached;
  } catch {
    return false;
  }
}

/** Fetch that reports a network failure as status 0 instead of throwing. */
async function tryFetch(url: string, init: RequestInit): Promise<Response | { status: 0 }> {
  try {
    return await fetch(url, init);
  } catch (err) {
    if ((err as Error)?.name === "AbortError") throw err;
    return { status: 0 };
  }
}

const isHtml = (res: Response): boolean => /text\/html/i.test(res.headers.get("content-type") ?? "");

/**
 * GETs `mlc-chat-config.json` (a few kB) unless WebLLM has it cached, and returns it. A 404, a
 * network failure, or an HTML page (a dev server's fallback) fails here with the exact URL.
 */
export async function probeConfig(record: ModelRecord, catalog: Catalog, signal: AbortSignal): Promise<ChatConfigFile | null> {
  const url = chatConfigUrl(record.model);
  const what = `the config (mlc-chat-config.json) of model "${record.model_id}"`;
  const cached = await held(CACHE_SCOPES.config, url, catalog, record);
  let res: Response | { status: 0 };
  if (cached instanceof Response) res = cached;
  else if (cached) return null;
  else res = await tryFetch(url, { signal });
  if (!(res instanceof Response)) throw downloadError(what, url, 0);
  if (!res.ok) throw downloadError(what, url, res.status, res.statusText);
  const text = await res.text();
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === "object") return parsed as ChatConfigFile;
  } catch {
    // fall through
  }
  throw new ModelLoadError(
    `The config of model "${record.model_id}" at ${url} is not JSON${isHtml(res) ? " (the server sent an HTML page)" : ""}. ` +
      "Check the record's `model` URL: it must point at the folder that holds mlc-chat-config.json.",
    url,
    res.status,
  );
}

/**
 * Checks the model library with a HEAD request (or a one-byte ranged GET where HEAD is refused),
 * unless WebLLM has it cached. The library is never downloaded here.
 */
export async function probeLibrary(record: ModelRecord, catalog: Catalog, signal: AbortSignal): Promise<void> {
  const { url, cached } = modelLibUrl(record.model_lib);
  if (cached && (await held(CACHE_SCOPES.wasm, url, catalog, record))) return;
  await probeFile(`the model library (model_lib) of model "${record.model_id}"`, url, signal, true);
}

/** HEADs one file; throws `ModelLoadError` naming it when it is missing or unreachable. */
export async function probeFile(what: string, url: string, signal: AbortSignal, binary = false): Promise<void> {
  let res = await tryFetch(url, { method: "HEAD", signal });
  if (!(res instanceof Response) || res.status === 403 || res.status === 405 || res.status === 501) {
    // Some hosts refuse HEAD, or omit CORS headers on it: ask for one byte instead.
    const ranged = await tryFetch(url, { headers: { Range: "bytes=0-0" }, signal });
    if (ranged instanceof Response) void ranged.body?.cancel().catch(() => undefined);
    if (ranged instanceof Response || !(res instanceof Response)) res = ranged;
  }
  if (!(res instanceof Response)) throw downloadError(what, url, 0);
  if (!res.ok) throw downloadError(what, url, res.status, res.statusText);
  if (binary && isHtml(res)) {
    throw new ModelLoadError(
      `Could not download ${what} from ${url}: the server sent an HTML page (HTTP ${res.status}), not a .wasm file.`,
      url,
      res.status,
    );
  }
}

/**
 * After WebLLM failed with a bare fetch error, finds which file it was: the tokenizer files,
 * `tensor-cache.json`, then the weight shards it lists (HEAD only). Returns `null` when every
 * file answers, which means the failure was the network's, not the host's.
 */
export async function diagnoseDownload(record: ModelRecord, config: ChatConfigFile | null, signal: AbortSignal): Promise<ModelLoadError | null> {
  const attempt = async (what: string, url: string): Promise<ModelLoadError | null> => {
    try {
      await probeFile(what, url, signal);
      return null;
    } catch (err) {
      if (err instanceof ModelLoadError) return err;
      throw err;
    }
  };
  for (const file of config?.tokenizer_files ?? []) {
    const failed = await attempt(`the tokenizer file ${file} of model "${record.model_id}"`, modelFileUrl(record.model, file));
    if (failed) return failed;
  }
  const listUrl = tensorCacheUrl(record.model);
  const failed = await attempt(`the weight list (tensor-cache.json) of model "${record.model_id}"`, listUrl);
  if (failed) return failed;
  const list = await fetch(listUrl, { signal })
    .then((r) => r.json() as Promise<{ records?: { dataPath?: string }[] }>)
    .catch(() => null);
  const shards = (list?.records ?? []).map((r) => r.dataPath).filter((p): p is string => typeof p === "string");
  for (let i = 0; i < shards.length; i += 4) {
    const batch = shards.slice(i, i + 4).map((p) => attempt(`the weight shard ${p} of model "${record.model_id}"`, new URL(p, listUrl).href));
    const found = (await Promise.all(batch)).find((e) => e !== null);
    if (found) return found;
  }
  return null;
}
