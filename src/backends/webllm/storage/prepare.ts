import { EngineUnavailableError, ModelLoadError } from "../../../errors/classes.js";
import { cspMessage, isCspBlock, UNAVAILABLE } from "../errors.js";
import { formatBytes } from "../../../device/fit.js";
import type { ModelRecord } from "../../../openai/models.js";
import type { ChatConfigFile } from "../preflight.js";
import type { ProgressReporter } from "../progress.js";
import { fetchFile } from "./fetch-file.js";
import { checkIntegrity } from "./integrity.js";
import { configFile, libraryFile, manifestFile, parseManifest, shardFiles, tokenizerFile, type ModelFile, type TensorManifest } from "./files.js";
import { ensureRoom, type StorageEstimator } from "./quota.js";
import type { ModelStore } from "./store.js";

/** What `prepareModel` needs. */
export interface PrepareOptions {
  record: ModelRecord;
  store: ModelStore;
  progress: ProgressReporter;
  signal: AbortSignal;
  estimator?: StorageEstimator | undefined;
  /** Called as soon as the config is read, before anything else is fetched. */
  onConfig?: ((config: ChatConfigFile) => void) | undefined;
}

/** What `prepareModel` learned on the way. */
export interface Prepared {
  config: ChatConfigFile;
  /** Bytes of every file of the model, as stored. */
  totalBytes: number;
}

/** Shards downloaded at once, as WebLLM itself downloads them. */
const PARALLEL = 4;

type Integrity = { config?: string; model_lib?: string; tokenizer?: Record<string, string>; onFailure?: "error" | "warn" };

/** Downloads `file` whole, checks it, and only then stores it. */
async function download(o: PrepareOptions, file: ModelFile, onBytes: (n: number) => void, check?: (bytes: ArrayBuffer) => Promise<void> | void): Promise<Blob> {
  const blob = await fetchFile(file, o.signal, onBytes);
  if (check) await check(await blob.arrayBuffer());
  await o.store.put(file.scope, file.url, blob, file.as);
  return blob;
}

const integrityCheck = (sri: string | undefined, file: ModelFile, onFailure: Integrity["onFailure"]) =>
  sri ? (bytes: ArrayBuffer) => checkIntegrity(bytes, sri, file.url, onFailure) : undefined;

/** A small file (config, library, tokenizer) in one phase: from storage, or downloaded. */
async function small(o: PrepareOptions, phase: "fetch-config" | "fetch-library" | "fetch-tokenizer", file: ModelFile, check?: (b: ArrayBuffer) => Promise<void> | void): Promise<number> {
  const stored = await o.store.size(file.scope, file.url);
  if (stored !== null) {
    o.progress.report(phase, `Found ${file.url} in the browser's storage`, 1);
    return stored;
  }
  let loaded = 0;
  let last = 0;
  o.progress.report(phase, `Fetching ${file.url}`, 0, { loaded: 0 });
  const blob = await download(o, file, (n) => {
    loaded += n;
    if (performance.now() - last < 100) return;
    last = performance.now();
    o.progress.report(phase, `Fetching ${file.url}`, 0.5, { loaded });
  }, check);
  o.progress.report(phase, `Fetched ${file.url}`, 1, { loaded, total: loaded });
  return blob.size;
}

function parseJson(text: string, file: ModelFile, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ModelLoadError(`${file.what} at ${file.url} is not JSON. Check the record's \`model\` URL: it must point at the folder that holds ${what}.`, file.url, 200);
  }
}

/**
 * The library check WebLLM makes only after the weights are downloaded: it must compile. That
 * also meets a Content-Security-Policy without 'wasm-unsafe-eval' before any weights, not after.
 */
function wasmCheck(file: ModelFile) {
  return async (bytes: ArrayBuffer): Promise<void> => {
    try {
      await WebAssembly.compile(bytes);
      return;
    } catch (err) {
      if (isCspBlock(err)) throw new EngineUnavailableError(cspMessage(), UNAVAILABLE.csp);
    }
    const head = new TextDecoder().decode(bytes.slice(0, 64)).trimStart().toLowerCase();
    const html = head.startsWith("<!doctype html") || head.startsWith("<html");
    throw new ModelLoadError(
      `Could not use ${file.what} from ${file.url}: ${html ? "the server sent an HTML page" : "it is not a WebAssembly module"}, so it was not stored. ` +
        "Check that model_lib points at a .wasm library built for this version of WebLLM.",
      file.url,
      200,
    );
  };
}

/**
 * Makes every file of a model present and whole in WebLLM's storage before WebLLM's `reload`
 * runs, so that WebLLM loads from storage only. It fetches them in WebLLM's own order (config,
 * library, tokenizer, `tensor-cache.json`, shards) and, unlike WebLLM:
 * - names the URL and HTTP status of a file that fails, and checks the library is WebAssembly
 *   before any weights are fetched;
 * - checks each stored shard against the size `tensor-cache.json` gives it, and deletes and
 *   fetches again one that a broken download left short (web-llm #289);
 * - checks the storage quota before the weights (507 `insufficient_storage`);
 * - reports bytes per phase, with stored weights as their own `cache` phase;
 * - stops at once on abort, and stores a file only once it is complete.
 */
export async function prepareModel(o: PrepareOptions): Promise<Prepared> {
  const { record, store, progress } = o;
  const integrity = (record.integrity ?? {}) as Integrity;
  const cfg = configFile(record);
  let total = await small(o, "fetch-config", cfg, (bytes) => {
    parseJson(new TextDecoder().decode(bytes), cfg, "mlc-chat-config.json");
    return integrityCheck(integrity.config, cfg, integrity.onFailure)?.(bytes);
  });
  const config = (await store.json(cfg.scope, cfg.url)) as ChatConfigFile | null;
  if (!config || typeof config !== "object") throw new ModelLoadError(`${cfg.what} at ${cfg.url} is not JSON.`, cfg.url, 200);
  o.onConfig?.(config);

  const lib = libraryFile(record);
  if (lib) {
    const check = integrityCheck(integrity.model_lib, lib, integrity.onFailure);
    total += await small(o, "fetch-library", lib, async (bytes) => {
      await wasmCheck(lib)(bytes);
      await check?.(bytes);
    });
  }
  const tok = tokenizerFile(record, config);
  if (tok) total += await small(o, "fetch-tokenizer", tok, integrityCheck(integrity.tokenizer?.[tok.url.split("/").pop() ?? ""], tok, integrity.onFailure));

  const mf = manifestFile(record);
  let manifest: TensorManifest | null = parseManifest(await store.json(mf.scope, mf.url));
  if (!manifest) {
    const blob = await fetchFile(mf, o.signal, () => undefined);
    manifest = parseManifest(parseJson(await blob.text(), mf, "tensor-cache.json"));
    if (!manifest) throw new ModelLoadError(`${mf.what} at ${mf.url} lists no weight shards (no records with dataPath and nbytes).`, mf.url, 200);
    await store.put(mf.scope, mf.url, blob, mf.as);
  }
  const shards = shardFiles(record, manifest);
  const all = shards.reduce((n, s) => n + (s.bytes ?? 0), 0);

  // A stored shard of the wrong size would fail every later load: delete it and fetch it again.
  const missing: ModelFile[] = [];
  let stored = 0;
  for (const s of shards) {
    const size = store.cheapSize ? await store.size(s.scope, s.url) : (await store.has(s.scope, s.url)) ? (s.bytes ?? 0) : null;
    if (size !== null && size === s.bytes) stored += size;
    else {
      if (size !== null) await store.delete(s.scope, s.url);
      missing.push(s);
    }
  }
  if (stored > 0) {
    progress.report("cache", `Found ${shards.length - missing.length} of ${shards.length} weight files (${formatBytes(stored)}) in the browser's storage`, 1, { loaded: stored, total: stored });
  }
  const needed = missing.reduce((n, s) => n + (s.bytes ?? 0), 0);
  await ensureRoom(record.model_id, needed, o.estimator);
  if (missing.length > 0) await downloadShards(o, missing, needed);
  progress.webllmDownloads = false;
  return { config, totalBytes: total + all };
}

/** Downloads `missing` shards, four at a time; the first failure stops the others. */
async function downloadShards(o: PrepareOptions, missing: ModelFile[], needed: number): Promise<void> {
  const stop = new AbortController();
  const onAbort = (): void => stop.abort();
  o.signal.addEventListener("abort", onAbort, { once: true });
  const inner: PrepareOptions = { ...o, signal: stop.signal };
  let loaded = 0;
  let done = 0;
  let lastReport = 0;
  const report = (force = false): void => {
    const now = performance.now();
    if (!force && now - lastReport < 100) return;
    lastReport = now;
    o.progress.report("fetch-weights", `Fetching weights: ${done} of ${missing.length} files, ${formatBytes(loaded)} of ${formatBytes(needed)}`, needed ? loaded / needed : 1, { loaded, total: needed });
  };
  report(true);
  const queue = [...missing];
  const worker = async (): Promise<void> => {
    for (let file = queue.shift(); file && !stop.signal.aborted; file = queue.shift()) {
      await download(inner, file, (n) => {
        loaded += n;
        report();
      });
      done++;
      report(true);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(PARALLEL, missing.length) }, () => worker().catch((err: unknown) => (stop.abort(), Promise.reject(err)))));
  } finally {
    o.signal.removeEventListener("abort", onAbort);
  }
}
