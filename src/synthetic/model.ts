import { buildChatConfig } from "./config.js";
import { buildTokenizer, countTokens, MIN_VOCAB_SIZE, specialTokenIds, type SpecialTokenIds } from "./tokenizer.js";
import { readLibraryMetadata, type LibraryMetadata, type LibraryParam } from "./wasm-metadata.js";
import { fillShard, planShards, type TensorCache } from "./weights.js";

/** Options of {@link synthesizeModel}. */
export interface SyntheticModelOptions {
  /** The random seed (a 32-bit integer); the same seed gives the same bytes. Default 1. */
  seed?: number;
  /**
   * The vocabulary size where the library leaves it symbolic (`"vocab_size"` in a weight's
   * shape). Default 4096: small weights, yet room for varied output. A library compiled for a
   * fixed vocabulary uses its own, and a different value here is an error.
   */
  vocabSize?: number;
  /** Values for other symbolic dimensions, by name. */
  dims?: Record<string, number>;
  /** The largest shard file, in bytes (default 32 MiB, as MLC writes them). */
  shardBytes?: number;
  /** The conversation template's default system message. */
  systemMessage?: string;
  /** A context window below the one the library was compiled for. */
  contextWindowSize?: number;
}

/** One file of the model folder, relative to its root. */
export interface SyntheticFile {
  path: string;
  bytes: Uint8Array;
}

/** A synthetic model for one library: what it is, and its files. */
export interface SyntheticModel {
  /** The library's own metadata. */
  metadata: LibraryMetadata;
  vocabSize: number;
  specialTokens: SpecialTokenIds;
  chatConfig: Record<string, unknown>;
  tokenizer: Record<string, unknown>;
  tensorCache: TensorCache;
  /** Every file, the JSON ones first; each weight shard is generated only when it is reached. */
  files(): Iterable<SyntheticFile>;
  /** The number of tokens the synthetic tokenizer makes of `text`. */
  countTokens(text: string): number;
}

const DEFAULT_VOCAB = 4096;

/** The parameter whose first dimension is the vocabulary: the token embedding. */
function embedding(params: LibraryParam[]): LibraryParam | undefined {
  return params.find((p) => /(embed_tokens|wte|word_embeddings|tok_embeddings|embed_in)\.(q_)?weight$/.test(p.name)) ?? params.find((p) => /embed/.test(p.name) && p.shape.length === 2);
}

function vocabularyOf(meta: LibraryMetadata, options: SyntheticModelOptions): { vocabSize: number; dims: Record<string, number> } {
  const dims = { ...options.dims };
  const embed = embedding(meta.params);
  const first = embed?.shape[0];
  if (first === undefined) throw new Error("The library's weights include no token embedding, so its vocabulary size is unknown.");
  if (typeof first === "number") {
    if (options.vocabSize !== undefined && options.vocabSize !== first) {
      throw new Error(`This library was compiled for a vocabulary of ${first}; it cannot take ${options.vocabSize}.`);
    }
    return { vocabSize: first, dims };
  }
  const vocabSize = dims[first] ?? options.vocabSize ?? DEFAULT_VOCAB;
  dims[first] = vocabSize;
  return { vocabSize, dims };
}

// The config is written for people to read; the large manifests stay compact.
const json = (value: unknown, indent?: number): Uint8Array => new TextEncoder().encode(JSON.stringify(value, null, indent) + "\n");

/**
 * A model that WebLLM can load and run, generated from a model library alone: the library's
 * metadata decides every weight's name, shape and dtype, and the generator writes random weights,
 * a byte-level tokenizer and a ChatML chat config around them. The text it produces is
 * gibberish, but the library's kernels, WebLLM's KV cache, sampling, grammar and tokenizer all run
 * for real, so counts, boundaries, aborts and constraints can be tested without downloading
 * weights.
 *
 * ```ts
 * const model = synthesizeModel(new Uint8Array(await (await fetch(libUrl)).arrayBuffer()), { seed: 1 });
 * for (const f of model.files()) serve(f.path, f.bytes); // mlc-chat-config.json, tokenizer.json, tensor-cache.json, ...
 * ```
 *
 * @param library the bytes of a WebLLM model library (`.wasm`)
 * @throws Error when the bytes are not a model library, or a value cannot be resolved
 */
export function synthesizeModel(library: Uint8Array, options: SyntheticModelOptions = {}): SyntheticModel {
  return synthesizeFromMetadata(readLibraryMetadata(library), options);
}

/** {@link synthesizeModel} from metadata already read (see `readLibraryMetadata`). */
export function synthesizeFromMetadata(metadata: LibraryMetadata, options: SyntheticModelOptions = {}): SyntheticModel {
  const seed = (options.seed ?? 1) | 0;
  const { vocabSize, dims } = vocabularyOf(metadata, options);
  if (vocabSize < MIN_VOCAB_SIZE) throw new Error(`A synthetic vocabulary needs at least ${MIN_VOCAB_SIZE} ids; got ${vocabSize}.`);
  const specialTokens = specialTokenIds(vocabSize);
  const configOptions = { systemMessage: options.systemMessage, contextWindowSize: options.contextWindowSize };
  const chatConfig = buildChatConfig(metadata, vocabSize, specialTokens, configOptions);
  const tokenizer = buildTokenizer(vocabSize);
  const tensorCache = planShards(metadata.params, dims, options.shardBytes ?? 32 * 1024 * 1024);
  const quantBits = Number(/^q(\d+)/.exec(metadata.quantization)?.[1] ?? 4) || 4;
  return {
    metadata,
    vocabSize,
    specialTokens,
    chatConfig,
    tokenizer,
    tensorCache,
    countTokens,
    *files() {
      yield { path: "mlc-chat-config.json", bytes: json(chatConfig, 2) };
      yield { path: "tokenizer.json", bytes: json(tokenizer) };
      // Same manifest under both names: WebLLM < 0.2.80 reads ndarray-cache.json, later ones tensor-cache.json.
      yield { path: "tensor-cache.json", bytes: json(tensorCache) };
      yield { path: "ndarray-cache.json", bytes: json(tensorCache) };
      for (const shard of tensorCache.records) yield { path: shard.dataPath, bytes: fillShard(shard, seed, quantBits) };
    },
  };
}
