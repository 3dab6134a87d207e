// The contract with WebLLM: the real installed @mlc-ai/web-llm, imported in Node with no GPU,
// still has every internal the adapter reads (src/backends/webllm/internals.ts), and its cache
// scopes and URL rules are the ones src/backends/webllm/urls.ts copies. PAGELLM_WEBLLM_DIR points
// the same checks at another build of the package.
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { CACHE_SCOPES, EXPORTS, missingInternals, WEBLLM_VERSION } from "../../src/backends/webllm/internals.js";
import { chatConfigUrl, modelLibUrl, tensorCacheUrl } from "../../src/backends/webllm/urls.js";
import { loadWebLLMBuild, webllmDir, type LoadedBuild } from "../support/webllm-build.js";

let loaded: LoadedBuild;
beforeAll(async () => {
  loaded = await loadWebLLMBuild();
});

describe(`WebLLM at ${webllmDir()}`, () => {
  it("is the version that package.json pins and internals.ts names", async () => {
    const pkg = JSON.parse(await readFile("package.json", "utf8")) as { dependencies: Record<string, string> };
    expect({ installed: loaded.version, pinned: pkg.dependencies["@mlc-ai/web-llm"] }).toEqual({ installed: WEBLLM_VERSION, pinned: WEBLLM_VERSION });
  });

  it("has every internal the adapter reads, in the shape it reads", () => {
    expect({ pipelineClassError: loaded.pipelineError, missing: missingInternals(loaded.build) }).toEqual({ pipelineClassError: null, missing: [] });
  });

  it("exports every name that src/ imports from it, all listed in internals.ts", async () => {
    const imported = new Set<string>();
    for (const file of await tsFiles("src")) {
      const text = await readFile(file, "utf8");
      for (const m of text.matchAll(/import\s+(?!type\b)\{([^}]*)\}\s*from\s*["']@mlc-ai\/web-llm["']/g)) {
        for (const spec of (m[1] ?? "").split(",")) {
          const name = spec.trim().split(/\s+as\s+/)[0]?.trim();
          if (name && !name.startsWith("type ")) imported.add(name);
        }
      }
    }
    expect(imported.size).toBeGreaterThan(0);
    expect([...imported].filter((n) => !(n in EXPORTS))).toEqual([]);
    expect([...imported].filter((n) => !(n in loaded.build.exports))).toEqual([]);
  });
});

describe("WebLLM's cache scopes and URLs, with Cache Storage and the network faked", () => {
  afterEach(() => void vi.unstubAllGlobals());

  const mod = () => loaded.build.exports as unknown as WebLLMFunctions;

  it("reload asks for the config in its config scope, then for the library in its wasm scope, at the URLs urls.ts gives", async () => {
    for (const model of ["https://models.test/org/repo", "https://models.test/org/repo/resolve/v2/"]) {
      const record = { model_id: "m", model, model_lib: "https://libs.test/m.wasm" };
      const store = fakeStorage({ [CACHE_SCOPES.config]: { [chatConfigUrl(model)]: "{}" } });
      await expect(new (mod().MLCEngine)({ appConfig: { model_list: [record] }, logLevel: "SILENT" }).reload("m")).rejects.toThrow(/Request failed/);
      expect(modelLibUrl(record.model_lib).cached).toBe(true);
      expect(store.log.filter((a) => a.op === "match")).toEqual([
        { op: "match", scope: CACHE_SCOPES.config, url: chatConfigUrl(model) },
        { op: "match", scope: CACHE_SCOPES.config, url: chatConfigUrl(model) },
        { op: "match", scope: CACHE_SCOPES.wasm, url: modelLibUrl(record.model_lib).url },
      ]);
    }
  });

  it("reload fetches a localhost library plainly, outside Cache Storage, as urls.ts says", async () => {
    const record = { model_id: "m", model: "https://models.test/org/repo", model_lib: "http://localhost:9/m.wasm" };
    const store = fakeStorage({ [CACHE_SCOPES.config]: { [chatConfigUrl(record.model)]: "{}" } });
    await expect(new (mod().MLCEngine)({ appConfig: { model_list: [record] }, logLevel: "SILENT" }).reload("m")).rejects.toThrow(/Failed to fetch/);
    expect(modelLibUrl(record.model_lib)).toEqual({ url: record.model_lib, cached: false });
    expect(store.log.filter((a) => a.op === "fetch")).toEqual([{ op: "fetch", url: record.model_lib }]);
    expect(store.log.some((a) => a.scope === CACHE_SCOPES.wasm)).toBe(false);
  });

  it("hasModelInCache looks for tensor-cache.json at urls.ts's URL in its model scope", async () => {
    const model = "https://models.test/org/repo";
    const appConfig = { model_list: [{ model_id: "m", model, model_lib: "https://libs.test/m.wasm" }] };
    fakeStorage({});
    expect(await mod().hasModelInCache("m", appConfig)).toBe(false);
    fakeStorage({ [CACHE_SCOPES.model]: { [tensorCacheUrl(model)]: JSON.stringify({ records: [] }) } });
    expect(await mod().hasModelInCache("m", appConfig)).toBe(true);
  });

  it("deleteModelWasmInCache deletes the library at urls.ts's URL in its wasm scope", async () => {
    const record = { model_id: "m", model: "https://models.test/org/repo", model_lib: "https://libs.test/m.wasm" };
    const store = fakeStorage({});
    await mod().deleteModelWasmInCache("m", { model_list: [record] });
    expect(store.log).toEqual([{ op: "delete", scope: CACHE_SCOPES.wasm, url: modelLibUrl(record.model_lib).url }]);
  });
});

/** The functions of the module that these tests call, typed loosely: the build may be any copy. */
interface WebLLMFunctions {
  MLCEngine: new (config: object) => { reload(id: string): Promise<void> };
  hasModelInCache(id: string, appConfig: object): Promise<boolean>;
  deleteModelWasmInCache(id: string, appConfig: object): Promise<void>;
}

interface Access {
  op: "match" | "add" | "keys" | "delete" | "fetch";
  scope?: string;
  url?: string;
}

const urlOf = (r: unknown): string => (r instanceof Request ? r.url : String(r));

/**
 * Stubs `caches`, `fetch` and `location` (WebLLM resolves relative URLs against it) and records
 * every access. `seed` is what each scope holds; every download fails, as it does offline.
 */
function fakeStorage(seed: Record<string, Record<string, string>>): { log: Access[] } {
  const log: Access[] = [];
  const open = async (scope: string) => ({
    async match(req: unknown) {
      const url = urlOf(req);
      log.push({ op: "match", scope, url });
      const body = seed[scope]?.[url];
      return body === undefined ? undefined : new Response(body);
    },
    async add(req: unknown) {
      log.push({ op: "add", scope, url: urlOf(req) });
      throw new TypeError("Failed to execute 'add' on 'Cache': Request failed");
    },
    async keys() {
      log.push({ op: "keys", scope });
      return Object.keys(seed[scope] ?? {}).map((u) => new Request(u));
    },
    async delete(req: unknown) {
      log.push({ op: "delete", scope, url: urlOf(req) });
      return true;
    },
  });
  vi.stubGlobal("caches", { open });
  vi.stubGlobal("fetch", async (input: unknown) => {
    log.push({ op: "fetch", url: urlOf(input) });
    throw new TypeError("Failed to fetch");
  });
  vi.stubGlobal("location", { origin: "http://127.0.0.1:9" });
  return { log };
}

async function tsFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await tsFiles(path)));
    else if (path.endsWith(".ts")) out.push(path);
  }
  return out;
}
