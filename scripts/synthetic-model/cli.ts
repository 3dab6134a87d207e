/**
 * `npm run synth-model -- --lib path/to/model-lib.wasm --out dir [--seed 1] [--vocab-size 4096]
 *  [--dim name=value] [--shard-mb 32] [--context-window n]`
 *
 * Writes a model folder that WebLLM can load from any static file server: mlc-chat-config.json,
 * tokenizer.json, tensor-cache.json (and its older name ndarray-cache.json) and the weight shards,
 * generated from the library's own metadata with random weights.
 */
import { parseArgs } from "node:util";
import { writeSyntheticModel } from "./write.js";

const usage = "usage: npm run synth-model -- --lib <model-lib.wasm> --out <dir> [--seed 1] [--vocab-size n] [--dim name=value] [--shard-mb 32] [--context-window n]";

function integer(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n)) throw new Error(`--${name} must be an integer, not "${value}".`);
  return n;
}

function main(): void {
  const { values } = parseArgs({
    options: {
      lib: { type: "string" },
      out: { type: "string" },
      seed: { type: "string" },
      "vocab-size": { type: "string" },
      dim: { type: "string", multiple: true },
      "shard-mb": { type: "string" },
      "context-window": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.help) return console.log(usage);
  if (!values.lib || !values.out) throw new Error(usage);
  const dims: Record<string, number> = {};
  for (const d of values.dim ?? []) {
    const [name, value] = d.split("=");
    const n = integer("dim", value);
    if (!name || n === undefined) throw new Error(`--dim takes name=value, not "${d}".`);
    dims[name] = n;
  }
  const shardMb = integer("shard-mb", values["shard-mb"]);
  const t0 = performance.now();
  const written = writeSyntheticModel(values.lib, values.out, {
    seed: integer("seed", values.seed) ?? 1,
    vocabSize: integer("vocab-size", values["vocab-size"]),
    dims,
    shardBytes: shardMb === undefined ? undefined : shardMb * 1024 * 1024,
    contextWindowSize: integer("context-window", values["context-window"]),
  });
  const m = written.model.metadata;
  console.log(
    `${m.model_type} ${m.quantization}: ${m.params.length} tensors, vocabulary ${written.model.vocabSize}, context window ${String(written.model.chatConfig.context_window_size)}, ` +
      `prefill chunk ${m.prefill_chunk_size}; wrote ${written.files.length} files (${(written.bytes / 2 ** 20).toFixed(1)} MiB) to ${written.dir} in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
}

try {
  main();
} catch (err) {
  console.error((err as Error).message);
  process.exitCode = 1;
}
