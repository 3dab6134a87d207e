import { existsSync, readdirSync, rmSync } from "node:fs";
import { basename, join } from "node:path";
import type { TestProject } from "vitest/node";
import { writeSyntheticModel } from "../../../scripts/synthetic-model/write.js";
import type { SpecialTokenIds } from "../../../src/synthetic/tokenizer.js";
import { chooseWebLLM, requireModelLib } from "./library.js";
import { keepDescendantsNice } from "./nice.js";
import { startSyntheticServer, type SyntheticServer } from "./synthetic-server.js";

/** What the real-generation tests are told about the model they run. */
export interface SyntheticModelInfo {
  /** The path segment the server serves it under, and the stem of its library's file name. */
  name: string;
  vocabSize: number;
  contextWindow: number;
  specialTokens: SpecialTokenIds;
  systemMessage: string;
  /** The tensor-cache manifest's shard files, in order. */
  shards: string[];
}

declare module "vitest" {
  export interface ProvidedContext {
    webllmServer: string;
    webllmModel: SyntheticModelInfo;
    webllmVersion: string;
  }
}

interface Started {
  server: SyntheticServer;
  dir: string;
  stopNice: () => void;
  provided: { webllmServer: string; webllmVersion: string; webllmModel: SyntheticModelInfo };
}

// Vitest runs a browser project's global setup once for the project and once for its browser
// instance, in the same process. One model folder and one server serve both: a second setup
// would rewrite the folder under the first one's feet, and leave its server open.
const SYSTEM_MESSAGE = "Test.";

const KEY = Symbol.for("pagellm.test-webllm.setup");
const shared = globalThis as { [KEY]?: Promise<Started> };

// Generates the synthetic model from PAGELLM_MODEL_LIB into .models/synthetic/<lib>-<pid> (about
// 2-5 s for Qwen2-0.5B q4f32_1: always fresh, so a change to the generator can never test stale
// files, and one folder per run, so that two runs at once never rewrite each other's files) and
// serves it on 127.0.0.1.
async function start(root: string): Promise<Started> {
  const lib = requireModelLib();
  const webllm = chooseWebLLM(lib);
  const name = basename(lib).replace(/\.wasm$/, "").replace(/[^\w.-]/g, "_");
  const parent = join(root, ".models", "synthetic");
  removeStale(parent);
  const dir = join(parent, `${name}-${process.pid}`);
  const seed = Number(process.env.PAGELLM_SYNTH_SEED ?? 1);
  const t0 = performance.now();
  // A short system message: a prefill on SwiftShader costs seconds per token, and every request
  // renders it.
  const { model, bytes } = writeSyntheticModel(lib, dir, { seed, systemMessage: SYSTEM_MESSAGE });
  const m = model.metadata;
  console.log(
    `test:webllm: synthetic ${m.model_type} ${m.quantization} from ${basename(lib)}: ${m.params.length} tensors, vocabulary ${model.vocabSize}, ` +
      `context ${m.context_window_size}, prefill chunk ${m.prefill_chunk_size}; ${(bytes / 2 ** 20).toFixed(0)} MiB in ${dir} (seed ${seed}, ${((performance.now() - t0) / 1000).toFixed(1)} s)`,
  );
  const server = await startSyntheticServer(name, dir, lib);
  return {
    server,
    dir,
    stopNice: keepDescendantsNice(),
    provided: {
      webllmServer: server.url,
      webllmVersion: webllm.version,
      webllmModel: {
        name,
        vocabSize: model.vocabSize,
        contextWindow: Number(model.chatConfig.context_window_size),
        specialTokens: model.specialTokens,
        systemMessage: SYSTEM_MESSAGE,
        shards: model.tensorCache.records.map((s) => s.dataPath),
      },
    },
  };
}

/** Removes the folders of runs that ended without their teardown (killed, or timed out). */
function removeStale(parent: string): void {
  if (!existsSync(parent)) return;
  for (const entry of readdirSync(parent)) {
    const pid = Number(/-(\d+)$/.exec(entry)?.[1]);
    if (!pid || pid === process.pid) continue;
    try {
      process.kill(pid, 0);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ESRCH") rmSync(join(parent, entry), { recursive: true, force: true });
    }
  }
}

export async function setup(project: TestProject): Promise<void> {
  const { provided } = await (shared[KEY] ??= start(project.config.root));
  for (const [key, value] of Object.entries(provided)) project.provide(key as keyof typeof provided, value as never);
}

export async function teardown(): Promise<void> {
  const started = shared[KEY];
  delete shared[KEY];
  const run = await started;
  if (!run) return;
  run.stopNice();
  await run.server.close();
  rmSync(run.dir, { recursive: true, force: true });
}
