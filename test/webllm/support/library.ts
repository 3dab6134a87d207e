import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { resolve } from "node:path";

/**
 * Which model library `npm run test:webllm` runs, and which WebLLM can link it.
 *
 * Model libraries are compiled against one TVM runtime ABI, and each WebLLM release bundles one:
 * - libraries of the TVM FFI era import `TVMFFIWasmSafeCall`; WebLLM 0.2.86's runtime (the one
 *   pagellm ships) calls their `TVMFFIObjectIncRef` / `TVMFFIObjectDecRef` exports, and no longer
 *   provides two threading imports (`ResetThreadPool`, `NumThreads`) that v0_2_80 libraries
 *   still import, so the worker fixture stubs those;
 * - older libraries (v0_2_48 and before) import `TVMWasmPackedCFunc`: only WebLLM <= 0.2.79 links
 *   them, so the test runs on the `webllm-0.2.79` dev dependency through a test-only alias.
 */
export interface WebLLMChoice {
  /** The package the test imports as `@mlc-ai/web-llm`. */
  package: "@mlc-ai/web-llm" | "webllm-0.2.79";
  /** Its version, from its package.json. */
  version: string;
  /** Why this one. */
  reason: string;
  /** Library imports that this WebLLM does not provide, which the worker fixture stubs. */
  stubs: string[];
}

const HINT =
  "set PAGELLM_MODEL_LIB to a WebLLM model library (.wasm), e.g. one extracted from a snapshot of github.com/mlc-ai/binary-mlc-llm-libs: " +
  "git --git-dir=<snapshot> cat-file blob HEAD:web-llm-models/v0_2_48/Qwen2-0.5B-Instruct-q4f32_1-ctx4k_cs1k-webgpu.wasm > .models/libs/qwen2.wasm (see docs/real-generation.md)";

/** The library's absolute path, or one line on stderr and exit code 2: this suite never skips silently. */
export function requireModelLib(): string {
  const path = process.env.PAGELLM_MODEL_LIB;
  if (!path) {
    console.error(`test:webllm: ${HINT}`);
    process.exit(2);
  }
  const abs = resolve(path);
  if (!existsSync(abs)) {
    console.error(`test:webllm: PAGELLM_MODEL_LIB=${path} does not exist; ${HINT}`);
    process.exit(2);
  }
  return abs;
}

const THREADING = ["_ZN3tvm7runtime9threading15ResetThreadPoolEv", "_ZN3tvm7runtime9threading10NumThreadsEv"];

function versionOf(pkg: string): string {
  const require = createRequire(import.meta.url);
  return (JSON.parse(readFileSync(require.resolve(`${pkg}/package.json`), "utf8")) as { version: string }).version;
}

/** The WebLLM that links the library at `path`, decided from the library's imports and exports. */
export function chooseWebLLM(path: string): WebLLMChoice {
  const module = new WebAssembly.Module(readFileSync(path));
  const imports = new Set(WebAssembly.Module.imports(module).map((i) => i.name));
  const exports = new Set(WebAssembly.Module.exports(module).map((e) => e.name));
  if (imports.has("TVMFFIWasmSafeCall") && exports.has("TVMFFIObjectDecRef")) {
    const stubs = THREADING.filter((name) => imports.has(name));
    return { package: "@mlc-ai/web-llm", version: versionOf("@mlc-ai/web-llm"), reason: "the library uses the TVM FFI ABI of the shipped WebLLM", stubs };
  }
  if (imports.has("TVMWasmPackedCFunc")) {
    return {
      package: "webllm-0.2.79",
      version: versionOf("webllm-0.2.79"),
      reason: "the library predates the TVM FFI runtime (it imports TVMWasmPackedCFunc), which only WebLLM <= 0.2.79 links; the shipped WebLLM cannot load it",
      stubs: [],
    };
  }
  throw new Error(`test:webllm: ${path} uses a TVM runtime ABI that neither the shipped WebLLM nor webllm-0.2.79 links (no TVMWasmPackedCFunc import, no TVMFFIObjectDecRef export).`);
}
