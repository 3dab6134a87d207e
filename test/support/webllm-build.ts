// Reaches one WebLLM build from Node, with no GPU, for src/backends/webllm/internals.ts to check.
// `LLMChatPipeline` is not exported, and a pipeline exists only after a real `reload`. So the
// module's own bundled source is evaluated a second time with one line appended that exports the
// class: its prototype is then the real one, not a guess from reading the text.
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { PIPELINE_CLASS, type WebLLMBuild } from "../../src/backends/webllm/internals.js";

/** A build, and what else the contract test asserts about it. */
export interface LoadedBuild {
  build: WebLLMBuild;
  /** `version` in the build's package.json. */
  version: string;
  /** Why the pipeline class could not be reached, when it could not. */
  pipelineError: string | null;
}

/**
 * The installed `@mlc-ai/web-llm`, or the package folder in `PAGELLM_WEBLLM_DIR` (a copy with
 * a renamed internal shows that the contract test can fail).
 */
export function webllmDir(): string {
  return resolve(process.env.PAGELLM_WEBLLM_DIR ?? "node_modules/@mlc-ai/web-llm");
}

/**
 * Vitest runs a module from outside node_modules through vite's transform (slow on 7 MB, and not
 * the code a browser runs); under a node_modules folder it leaves the module to Node.
 */
const importFile = (path: string): Promise<Record<string, unknown>> => import(/* @vite-ignore */ pathToFileURL(path).href);

/** Imports the build in `dir`, constructs an engine, and reaches its pipeline class. */
export async function loadWebLLMBuild(dir = webllmDir()): Promise<LoadedBuild> {
  const pkg = JSON.parse(await readFile(join(dir, "package.json"), "utf8")) as { version: string; module?: string; main?: string };
  const entry = join(dir, pkg.module ?? pkg.main ?? "lib/index.js");
  const source = await readFile(entry, "utf8");
  const exports = await importFile(entry);
  const Engine = exports.MLCEngine as (new (config?: object) => unknown) | undefined;
  const engine = typeof Engine === "function" ? new Engine({ logLevel: "SILENT" }) : undefined;

  let pipelineClass: unknown;
  let pipelineError: string | null = null;
  // The 0.2.86 bundle imports nothing, so a copy in a temporary folder evaluates the same way;
  // a build that did import would fail here, and the contract test would say so.
  const tmp = await mkdtemp(join(tmpdir(), "pagellm-webllm-"));
  try {
    const copy = join(tmp, "node_modules", "index.mjs");
    await mkdir(dirname(copy));
    await writeFile(copy, `${source}\nexport { ${PIPELINE_CLASS} as __pagellmPipelineClass };\n`);
    pipelineClass = (await importFile(copy)).__pagellmPipelineClass;
  } catch (err) {
    // A renamed class makes the appended export a SyntaxError.
    pipelineError = String(err);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  return { build: { exports, engine, pipelineClass, source }, version: pkg.version, pipelineError };
}
