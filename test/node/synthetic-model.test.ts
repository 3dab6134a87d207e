// The synthetic-model generator, on a metadata fixture we wrote by hand (test/fixtures/synthetic),
// wrapped in a tiny WebAssembly module built here the way MLC stores it: a data segment holding an
// 8-byte length and the JSON. No real model library is needed.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { synthesizeFromMetadata, synthesizeModel } from "../../src/synthetic/model.js";
import { byteLevelAlphabet, countTokens, SPECIAL_TOKENS } from "../../src/synthetic/tokenizer.js";
import { readLibraryMetadata, type LibraryMetadata } from "../../src/synthetic/wasm-metadata.js";
import { dtypeBytes, type TensorCache, type TensorRecord } from "../../src/synthetic/weights.js";
import { writeSyntheticModel } from "../../scripts/synthetic-model/write.js";

const root = join(import.meta.dirname, "..", "..");
const fixture = readFileSync(join(root, "test/fixtures/synthetic/tiny-metadata.json"), "utf8");
const metadata = JSON.parse(fixture) as LibraryMetadata;
const VOCAB = 300;

const leb = (n: number): number[] => {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
};
const section = (id: number, body: number[]): number[] => [id, ...leb(body.length), ...body];

/** A valid WebAssembly module with one memory and these active data segments. */
function wasmWith(...segments: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const memory = section(5, [1, 0x00, 1]); // one memory, min 1 page
  const data: number[] = [...leb(segments.length)];
  let offset = 0;
  for (const s of segments) {
    data.push(0, 0x41, ...leb(offset), 0x0b, ...leb(s.length), ...s); // active, memory 0, i32.const offset
    offset += s.length;
  }
  return new Uint8Array([0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0, ...memory, ...section(11, data)]);
}

/** A TVM string constant as MLC libraries hold `_metadata`: a 4-byte tag, an 8-byte length, the text. */
function tvmString(text: string): Uint8Array {
  const body = new TextEncoder().encode(text);
  const out = new Uint8Array(12 + body.length + 1);
  const view = new DataView(out.buffer);
  view.setUint32(0, 3, true);
  view.setUint32(4, body.length, true);
  out.set(body, 12);
  out[out.length - 1] = 1; // whatever follows in the segment
  return out;
}

const bytesOf = (s: string): Uint8Array => new TextEncoder().encode(s);
const decoy = bytesOf('junk {"model_type": "decoy"} and {"params": "not a list"} more junk');
const tinyLib = wasmWith(decoy, tvmString(JSON.stringify(metadata)));

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), "pagellm-synth-"));
  dirs.push(d);
  return d;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const sha = (b: Uint8Array): string => createHash("sha256").update(b).digest("hex");

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

/** A tensor's values, decoded from its shard by dtype. */
function values(shard: Uint8Array, r: TensorRecord): number[] {
  const view = new DataView(shard.buffer, shard.byteOffset + r.byteOffset, r.nbytes);
  const n = r.nbytes / dtypeBytes(r.dtype);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    if (r.dtype === "float32") out.push(view.getFloat32(i * 4, true));
    else if (r.dtype === "float16") out.push(halfToFloat(view.getUint16(i * 2, true)));
    else if (r.dtype === "uint32") out.push(view.getUint32(i * 4, true));
    else if (r.dtype === "int32") out.push(view.getInt32(i * 4, true));
    else throw new Error(`no decoder for ${r.dtype}`);
  }
  return out;
}

const stats = (xs: number[]): { mean: number; std: number } => {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  return { mean, std: Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length) };
};

describe("reading a library's metadata", () => {
  it("finds the length-prefixed JSON in the data section, past decoys, exactly as written", () => {
    expect(WebAssembly.validate(tinyLib)).toBe(true);
    expect(readLibraryMetadata(tinyLib)).toEqual(metadata);
  });

  it("also finds JSON without a length prefix, by matching braces (strings with braces included)", () => {
    const withBraces = { ...metadata, model_type: 'odd "}{" name' };
    const lib = wasmWith(bytesOf(`\u0000\u0001prefix${JSON.stringify(withBraces)}\u0000tail`));
    expect(readLibraryMetadata(lib)).toEqual(withBraces);
  });

  it("refuses bytes that are not WebAssembly, and a module without MLC metadata", () => {
    expect(() => readLibraryMetadata(bytesOf("<!doctype html>"))).toThrow(/Not a WebAssembly module/);
    expect(() => readLibraryMetadata(wasmWith(decoy))).toThrow(/No MLC model metadata/);
    expect(() => readLibraryMetadata(tinyLib.subarray(0, tinyLib.length - 40))).toThrow(/Truncated/);
  });
});

describe("the model folder", () => {
  const dir = tempDir();
  const lib = join(dir, "tiny.wasm");
  writeFileSync(lib, tinyLib);
  const out = join(dir, "model");
  // A small shard limit, so that the tensors spread over several shards.
  const written = writeSyntheticModel(lib, out, { seed: 7, vocabSize: VOCAB, shardBytes: 4096 });
  const read = (f: string): Buffer => readFileSync(join(out, f));
  const cache = JSON.parse(read("tensor-cache.json").toString()) as TensorCache;
  const config = JSON.parse(read("mlc-chat-config.json").toString()) as Record<string, unknown> & { conv_template: Record<string, unknown> };
  const tokenizer = JSON.parse(read("tokenizer.json").toString()) as {
    added_tokens: { id: number; content: string; special: boolean }[];
    model: { type: string; vocab: Record<string, number>; merges: unknown[] };
    pre_tokenizer: { type: string };
    decoder: { type: string };
  };

  it("holds the config, the tokenizer, both manifest names and every shard, and nothing else", () => {
    const shards = cache.records.map((s) => s.dataPath);
    expect(shards.length).toBeGreaterThan(2);
    expect(readdirSync(out).sort()).toEqual(["mlc-chat-config.json", "ndarray-cache.json", "tensor-cache.json", "tokenizer.json", ...shards].sort());
    expect(read("ndarray-cache.json").equals(read("tensor-cache.json"))).toBe(true);
    expect(written.files).toEqual(["mlc-chat-config.json", "tokenizer.json", "tensor-cache.json", "ndarray-cache.json", ...shards]);
  });

  it("lists every weight once, in the library's order, with shapes resolved and sizes of shape × dtype, back to back", () => {
    const records = cache.records.flatMap((s) => s.records);
    expect(records.map((r) => r.name)).toEqual(metadata.params.map((p) => p.name));
    for (const [i, p] of metadata.params.entries()) {
      const r = records[i]!;
      const shape = p.shape.map((d) => (d === "vocab_size" ? VOCAB : d));
      expect(r).toMatchObject({ shape, dtype: p.dtype, format: "raw" });
      expect(r.nbytes).toBe(shape.reduce((a: number, b) => a * Number(b), 1) * dtypeBytes(p.dtype));
    }
    for (const s of cache.records) {
      expect(s.format).toBe("raw-shard");
      let offset = 0;
      for (const r of s.records) {
        expect(r.byteOffset).toBe(offset);
        offset += r.nbytes;
      }
      expect(s.nbytes).toBe(offset);
      expect(statSync(join(out, s.dataPath)).size).toBe(s.nbytes);
      // Only a tensor larger than the limit may overflow it, alone in its shard.
      if (s.records.length > 1) expect(s.nbytes).toBeLessThanOrEqual(4096);
    }
    expect(cache.metadata).toMatchObject({ ParamSize: metadata.params.length, ParamBytes: cache.records.reduce((a, s) => a + s.nbytes, 0) });
  });

  it("writes finite weights: floats ~ N(0, 0.02), norms near 1, small positive scales, random packed words, zero integers", () => {
    const seen = new Set<string>();
    for (const s of cache.records) {
      const shard = new Uint8Array(read(s.dataPath));
      for (const r of s.records) {
        seen.add(r.name);
        const v = values(shard, r);
        if (r.dtype.startsWith("float")) expect(v.every(Number.isFinite)).toBe(true);
        if (r.name.endsWith("norm.weight")) expect(v.every((x) => x > 0.85 && x < 1.15)).toBe(true);
        if (r.name.endsWith("q_scale")) expect(v.every((x) => x > 0 && x < 0.01)).toBe(true);
        if (r.name === "model.layers.0.mlp.down_proj.weight" || r.name === "lm_head.weight") {
          const { mean, std } = stats(v);
          expect(Math.abs(mean)).toBeLessThan(0.003);
          expect(std).toBeGreaterThan(0.017);
          expect(std).toBeLessThan(0.023);
        }
        if (r.dtype === "uint32") {
          const nibbles = new Set(v.flatMap((w) => Array.from({ length: 8 }, (_, k) => (w >>> (4 * k)) & 15)));
          expect(nibbles.size).toBe(16);
        }
        if (r.dtype === "int32") expect(v.every((x) => x === 0)).toBe(true);
      }
    }
    expect(seen.size).toBe(metadata.params.length);
    // The packed tensor after the 6-byte float16 one starts off a 4-byte boundary, and is still filled.
    const qkv = cache.records.flatMap((s) => s.records).find((r) => r.name.endsWith("qkv_proj.q_weight"))!;
    expect(qkv.byteOffset % 4).not.toBe(0);
  });

  it("is the same bytes for the same seed, and other weights (same JSON) for another seed", () => {
    const again = join(dir, "again");
    const other = join(dir, "other");
    writeSyntheticModel(lib, again, { seed: 7, vocabSize: VOCAB, shardBytes: 4096 });
    writeSyntheticModel(lib, other, { seed: 8, vocabSize: VOCAB, shardBytes: 4096 });
    for (const f of written.files) {
      expect(sha(readFileSync(join(again, f))), f).toBe(sha(read(f)));
      const same = sha(readFileSync(join(other, f))) === sha(read(f));
      expect(same, f).toBe(f.endsWith(".json"));
    }
  });

  it("has a byte-level tokenizer with no merges whose vocabulary is exactly the model's ids, each a visible word", () => {
    expect(tokenizer.model.type).toBe("BPE");
    expect(tokenizer.model.merges).toEqual([]);
    expect(tokenizer.pre_tokenizer.type).toBe("ByteLevel");
    expect(tokenizer.decoder.type).toBe("ByteLevel");
    const vocab = tokenizer.model.vocab;
    const ids = Object.values(vocab).sort((a, b) => a - b);
    expect(ids).toEqual(Array.from({ length: VOCAB }, (_, i) => i));
    // Every token is made of byte-level characters, so the ByteLevel decoder maps it back to bytes.
    const alphabet = byteLevelAlphabet();
    expect(new Set(alphabet).size).toBe(256);
    const toByte = new Map(alphabet.map((ch, b) => [ch, b]));
    const specials = new Set<string>(SPECIAL_TOKENS);
    for (const [token, id] of Object.entries(vocab)) {
      const bytes = [...token].map((ch) => toByte.get(ch));
      expect(bytes.every((b) => b !== undefined), token).toBe(true);
      if (id < 256) expect(bytes).toEqual([id]);
      else {
        const text = new TextDecoder("utf-8", { fatal: true }).decode(new Uint8Array(bytes as number[]));
        if (!specials.has(token)) expect(text, `id ${id}`).toMatch(/^ ?[a-z]{2,}$/);
      }
    }
  });

  it("has a config consistent with the tokenizer and the library", () => {
    expect(config).toMatchObject({
      model_type: "llama",
      quantization: "q4f32_1",
      vocab_size: VOCAB,
      context_window_size: 128,
      prefill_chunk_size: 64,
      sliding_window_size: -1,
      attention_sink_size: -1,
      tokenizer_files: ["tokenizer.json"],
      tokenizer_info: { token_postproc_method: "byte_level" },
    });
    const idOf = (t: string): number | undefined => tokenizer.added_tokens.find((a) => a.content === t && a.special)?.id;
    const conv = config.conv_template as { stop_token_ids: number[]; stop_str: string[]; system_template: string; roles: Record<string, string>; seps: string[] };
    expect(conv.stop_token_ids.sort()).toEqual([idOf("<|im_end|>"), idOf("<|endoftext|>")].sort());
    for (const s of conv.stop_str) expect(idOf(s), s).toBeDefined();
    // Every special-looking marker the template renders is one special token of the tokenizer.
    const rendered = [conv.system_template, ...Object.values(conv.roles), ...conv.seps].join(" ");
    const markers = rendered.match(/<\|[a-z_]+\|>/g) ?? [];
    expect(markers.length).toBeGreaterThan(0);
    for (const m of markers) expect(idOf(m), m).toBeDefined();
    expect(written.model.specialTokens).toEqual({ endoftext: idOf("<|endoftext|>"), im_start: idOf("<|im_start|>"), im_end: idOf("<|im_end|>") });
    expect(idOf("<|im_end|>")).toBe(VOCAB - 1);
  });
});

describe("sizes and values", () => {
  it("takes a fixed vocabulary from the library, and refuses to change it", () => {
    const fixed: LibraryMetadata = { ...metadata, params: metadata.params.map((p) => ({ ...p, shape: p.shape.map((d) => (d === "vocab_size" ? 512 : d)) })) };
    expect(synthesizeFromMetadata(fixed).vocabSize).toBe(512);
    expect(() => synthesizeFromMetadata(fixed, { vocabSize: 300 })).toThrow(/compiled for a vocabulary of 512/);
  });

  it("defaults a symbolic vocabulary to 4096, refuses one too small to hold bytes and special tokens, and asks for other symbolic dimensions", () => {
    expect(synthesizeModel(tinyLib).vocabSize).toBe(4096);
    expect(() => synthesizeModel(tinyLib, { vocabSize: 100 })).toThrow(/at least 260/);
    const odd: LibraryMetadata = { ...metadata, params: [...metadata.params, { name: "x.weight", shape: ["hidden"], dtype: "float32" }] };
    expect(() => synthesizeFromMetadata(odd, { vocabSize: VOCAB })).toThrow(/symbolic dimension "hidden"/);
    expect(synthesizeFromMetadata(odd, { vocabSize: VOCAB, dims: { hidden: 8 } }).tensorCache.records.at(-1)?.records.at(-1)).toMatchObject({ shape: [8], nbytes: 32 });
  });

  it("keeps the context window within what the library was compiled for", () => {
    expect(synthesizeModel(tinyLib, { contextWindowSize: 64 }).chatConfig.context_window_size).toBe(64);
    expect(() => synthesizeModel(tinyLib, { contextWindowSize: 256 })).toThrow(/between 1 and 128/);
  });

  it("counts tokens as the tokenizer makes them: one per special token, one per UTF-8 byte", () => {
    expect(countTokens("")).toBe(0);
    expect(countTokens("<|im_start|>user\nHé<|im_end|>\n")).toBe(1 + 5 + 3 + 1 + 1);
    expect(countTokens("<|im_end|><|im_end|>a<|im_star")).toBe(2 + 1 + 9);
  });
});

describe("the CLI (npm run synth-model)", () => {
  const run = promisify(execFile);
  const tsx = join(root, "node_modules/.bin/tsx");
  const cli = join(root, "scripts/synthetic-model/cli.ts");

  it("writes the folder and says what it wrote", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "tiny.wasm"), tinyLib);
    const { stdout } = await run(tsx, [cli, "--lib", join(dir, "tiny.wasm"), "--out", join(dir, "m"), "--seed", "3", "--vocab-size", "300"]);
    expect(stdout).toMatch(/^llama q4f32_1: 12 tensors, vocabulary 300, context window 128, prefill chunk 64; wrote 5 files/);
    expect(readdirSync(join(dir, "m")).sort()).toEqual(["mlc-chat-config.json", "ndarray-cache.json", "params_shard_0.bin", "tensor-cache.json", "tokenizer.json"]);
  });

  it("fails with its usage when --lib is missing, and with the reason on a file that is not a library", async () => {
    const dir = tempDir();
    await expect(run(tsx, [cli, "--out", dir])).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining("usage: npm run synth-model") });
    writeFileSync(join(dir, "x.wasm"), "not wasm");
    await expect(run(tsx, [cli, "--lib", join(dir, "x.wasm"), "--out", join(dir, "m")])).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining("Not a WebAssembly module") });
  });
});
