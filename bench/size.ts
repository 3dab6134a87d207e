import { resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { build, type Plugin } from "vite";

const REPO = resolve(import.meta.dirname, "..");

/** The bundles we weigh, all built by `bundle()` below, the same way. */
export const ENTRIES = {
  /** What a page imports: `import { createEngine } from "pagellm"`. */
  page: resolve(REPO, "src/index.ts"),
  /** An app that only creates an engine and calls `chat.completions.create`; comlink left out. */
  chatOnly: resolve(REPO, "bench/entries/chat-only.ts"),
  /** What pagellm's worker imports: `import { serve } from "pagellm/worker"`. */
  worker: resolve(REPO, "src/worker.ts"),
  /** WebLLM's page-side client for its own worker, `CreateWebWorkerMLCEngine`. */
  webllmClient: resolve(REPO, "bench/entries/webllm-client.ts"),
  /** The official `openai` SDK. */
  openai: resolve(REPO, "bench/entries/openai.ts"),
} as const;

export type EntryName = keyof typeof ENTRIES;

/** Matches WebLLM by its bare name (if ever left external) or by its resolved path. */
export const WEBLLM = /(^|[\\/]node_modules[\\/])@mlc-ai[\\/]web-llm([\\/]|$)/;

export interface ChunkSize {
  file: string;
  raw: number;
  gzip: number;
}

export interface BundleSize {
  entry: string;
  /** The entry chunk and the chunks it imports statically: what loading the entry costs. */
  initial: { raw: number; gzip: number };
  /** Chunks reached only through `import()`: loaded later, on demand. */
  lazy: { raw: number; gzip: number };
  chunks: ChunkSize[];
  /**
   * The module graph reachable from the entry (static and dynamic imports), as import chains
   * from the entry, one per module that matches `WEBLLM`. Empty when WebLLM is not reachable.
   */
  webllmChains: string[][];
  /** How many modules the bundle holds. */
  modules: number;
}

const gzip = (code: string): number => gzipSync(code, { level: 9 }).length;

/**
 * Records the module graph of one build: for every module, the modules it imports statically
 * and dynamically, including externals. Read after the build, from `graph`.
 */
function graphRecorder(): { plugin: Plugin; graph: Map<string, { imports: string[]; dynamic: string[] }> } {
  const graph = new Map<string, { imports: string[]; dynamic: string[] }>();
  const plugin: Plugin = {
    name: "pagellm-bench-graph",
    generateBundle() {
      for (const id of this.getModuleIds()) {
        const info = this.getModuleInfo(id);
        if (info) graph.set(id, { imports: [...info.importedIds], dynamic: [...info.dynamicallyImportedIds] });
      }
    },
  };
  return { plugin, graph };
}

/** Breadth-first from `entry`: the shortest import chain to each module that matches `target`. */
function chainsTo(entry: string, graph: Map<string, { imports: string[]; dynamic: string[] }>, target: RegExp): string[][] {
  const parent = new Map<string, string | null>([[entry, null]]);
  const queue = [entry];
  const hits: string[] = [];
  while (queue.length > 0) {
    const id = queue.shift() as string;
    if (target.test(id)) {
      hits.push(id);
      continue; // one chain per way in is enough; WebLLM's own insides do not matter
    }
    const node = graph.get(id);
    for (const next of [...(node?.imports ?? []), ...(node?.dynamic ?? [])]) {
      if (!parent.has(next)) {
        parent.set(next, id);
        queue.push(next);
      }
    }
  }
  return hits.map((hit) => {
    const chain: string[] = [];
    for (let at: string | null | undefined = hit; at; at = parent.get(at)) chain.unshift(at.replace(`${REPO}/`, ""));
    return chain;
  });
}

/**
 * Bundles one entry as an app's production build would: vite (rolldown) library mode, ES
 * modules, every dependency bundled in (nothing external but comlink for `chatOnly`), fully minified, `process.env.NODE_ENV` set
 * to "production", no source maps, nothing written to disk. All four entries go through this one
 * function, so their sizes compare like with like. Gzip is node:zlib at level 9. `entry` overrides
 * the file of `name` (the size check's self-test uses it).
 */
export async function bundle(name: EntryName, entry: string = ENTRIES[name]): Promise<BundleSize> {
  // The chat-only budget is about pagellm's own code: comlink is a dependency the app may share.
  const external = name === "chatOnly" ? ["comlink"] : [];
  const { plugin, graph } = graphRecorder();
  const result = await build({
    configFile: false,
    root: REPO,
    logLevel: "silent",
    plugins: [plugin],
    define: { "process.env.NODE_ENV": JSON.stringify("production") },
    build: {
      lib: { entry, formats: ["es"], fileName: name },
      write: false,
      minify: true,
      target: "es2022",
      sourcemap: false,
      emptyOutDir: false,
      reportCompressedSize: false,
      copyPublicDir: false,
      // Library mode leaves whitespace in ES output (to keep it readable for the next bundler);
      // an app's build strips it, so ask rolldown for the full minification here.
      rolldownOptions: { external, output: { minify: true } },
    },
  });
  const outputs = (Array.isArray(result) ? result : [result]).flatMap((r) => ("output" in r ? r.output : []));
  const chunks = outputs.filter((o) => o.type === "chunk");
  const entryChunk = chunks.find((c) => c.isEntry);
  if (!entryChunk) throw new Error(`${name}: the build produced no entry chunk.`);

  // Initial = the entry chunk plus everything it imports statically, transitively.
  const byFile = new Map(chunks.map((c) => [c.fileName, c]));
  const initialFiles = new Set<string>();
  const visit = (file: string): void => {
    if (initialFiles.has(file)) return;
    initialFiles.add(file);
    for (const dep of byFile.get(file)?.imports ?? []) visit(dep);
  };
  visit(entryChunk.fileName);

  const sizes: ChunkSize[] = chunks.map((c) => ({ file: c.fileName, raw: Buffer.byteLength(c.code), gzip: gzip(c.code) }));
  const sum = (list: ChunkSize[]): { raw: number; gzip: number } => ({
    raw: list.reduce((n, c) => n + c.raw, 0),
    gzip: list.reduce((n, c) => n + c.gzip, 0),
  });
  const entryId = [...graph.keys()].find((id) => resolve(id) === entry) ?? entry;
  return {
    entry: entry.replace(`${REPO}/`, ""),
    initial: sum(sizes.filter((s) => initialFiles.has(s.file))),
    lazy: sum(sizes.filter((s) => !initialFiles.has(s.file))),
    chunks: sizes,
    webllmChains: chainsTo(entryId, graph, WEBLLM),
    modules: graph.size,
  };
}

/** Every entry, one after another (they are CPU-bound; in parallel they would only fight). */
export async function bundleAll(): Promise<Record<EntryName, BundleSize>> {
  const out: Partial<Record<EntryName, BundleSize>> = {};
  for (const name of Object.keys(ENTRIES) as EntryName[]) out[name] = await bundle(name);
  return out as Record<EntryName, BundleSize>;
}
