import { hashString, Random } from "./random.js";
import type { LibraryParam } from "./wasm-metadata.js";

/**
 * Random weights for a model library, laid out as MLC's tensor cache: a manifest
 * (`tensor-cache.json`, which WebLLM < 0.2.80 reads as `ndarray-cache.json`) listing shards, each
 * shard a file of tensors back to back. WebLLM's loader (tvmjs `fetchTensorCache` /
 * `fetchNDArrayCache`) fetches each shard's `dataPath`, cuts `nbytes` at `byteOffset` for each
 * record and decodes it by `format` ("raw": the bytes as they are) and `dtype`; the library then
 * looks every tensor up by `name`.
 *
 * The values are chosen so that a forward pass stays finite: float weights ~ N(0, 0.02), norm
 * weights near 1, and quantized weights (the `q_weight` / `q_scale` pairs of MLC's group
 * quantization) as random packed integers with small positive scales.
 */

/** One tensor in a shard. */
export interface TensorRecord {
  name: string;
  shape: number[];
  dtype: string;
  format: "raw";
  nbytes: number;
  byteOffset: number;
}

/** One shard file and the tensors in it. */
export interface ShardRecord {
  dataPath: string;
  format: "raw-shard";
  nbytes: number;
  records: TensorRecord[];
}

/** The tensor-cache manifest. */
export interface TensorCache {
  metadata: { ParamSize: number; ParamBytes: number; BitsPerParam: number };
  records: ShardRecord[];
}

const DTYPE_BYTES: Record<string, number> = {
  float32: 4, float16: 2, bfloat16: 2, float64: 8,
  uint32: 4, int32: 4, uint16: 2, int16: 2, uint8: 1, int8: 1, int64: 8, uint64: 8,
};

/** Bytes per element of `dtype`. @throws Error for a dtype that no MLC library uses for weights. */
export function dtypeBytes(dtype: string): number {
  const n = DTYPE_BYTES[dtype];
  if (n === undefined) throw new Error(`Unsupported weight dtype "${dtype}".`);
  return n;
}

/** A parameter's shape with its symbolic dimensions (e.g. `"vocab_size"`) replaced from `dims`. */
export function resolveShape(param: LibraryParam, dims: Record<string, number>): number[] {
  return param.shape.map((d) => {
    if (typeof d === "number") return d;
    const v = dims[d];
    if (v === undefined) throw new Error(`The weight "${param.name}" has a symbolic dimension "${d}": give it a value.`);
    return v;
  });
}

/** Groups the tensors, in the library's order, into shards of at most `shardBytes` (one larger tensor gets a shard of its own). */
export function planShards(params: LibraryParam[], dims: Record<string, number>, shardBytes: number): TensorCache {
  const shards: ShardRecord[] = [];
  let current: ShardRecord | null = null;
  let elements = 0;
  for (const p of params) {
    const shape = resolveShape(p, dims);
    const count = shape.reduce((a, b) => a * b, 1);
    const nbytes = count * dtypeBytes(p.dtype);
    elements += count;
    if (!current || (current.nbytes > 0 && current.nbytes + nbytes > shardBytes)) {
      current = { dataPath: `params_shard_${shards.length}.bin`, format: "raw-shard", nbytes: 0, records: [] };
      shards.push(current);
    }
    current.records.push({ name: p.name, shape, dtype: p.dtype, format: "raw", nbytes, byteOffset: current.nbytes });
    current.nbytes += nbytes;
  }
  const total = shards.reduce((a, s) => a + s.nbytes, 0);
  return { metadata: { ParamSize: params.length, ParamBytes: total, BitsPerParam: elements > 0 ? (8 * total) / elements : 0 }, records: shards };
}

/** How a tensor is filled, from its name and dtype. */
export type TensorKind = "packed" | "scale" | "norm" | "normal" | "zero";

/** The kind of a tensor: packed quantized data, a quantization scale, a norm weight, another float, or an integer that is left zero. */
export function tensorKind(name: string, dtype: string): TensorKind {
  const float = dtype.startsWith("float") || dtype === "bfloat16";
  const last = name.slice(name.lastIndexOf(".") + 1);
  if (!float) return dtype === "uint32" || /^q_?weight$/.test(last) ? "packed" : "zero";
  if (/^(q_)?scales?$/.test(last)) return "scale";
  if (last === "weight" && /(^|\.|_)(\w*norm\w*|ln(_\w+)?)\.weight$/i.test(name)) return "norm";
  return "normal";
}

/**
 * The scale that makes a dequantized weight, `(q - zero) * scale` with `q` uniform over the
 * `bits`-bit range, have a standard deviation of about 0.02.
 */
export function baseScale(bits: number): number {
  const levels = 2 ** bits;
  return 0.02 / Math.sqrt((levels * levels - 1) / 12);
}

/** The bytes of one shard, deterministic for `seed`: each tensor from its own stream, named by the tensor. */
export function fillShard(shard: ShardRecord, seed: number, quantBits: number): Uint8Array {
  const out = new Uint8Array(shard.nbytes);
  for (const r of shard.records) fillTensor(out.subarray(r.byteOffset, r.byteOffset + r.nbytes), r, seed, quantBits);
  return out;
}

function fillTensor(bytes: Uint8Array, r: TensorRecord, seed: number, quantBits: number): void {
  const rng = new Random(seed, hashString(r.name));
  const kind = tensorKind(r.name, r.dtype);
  if (kind === "zero") return;
  if (kind === "packed") {
    // A DataView, because a tensor after an odd-sized float16 one starts off a 4-byte boundary.
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
    const words = bytes.length >> 2;
    for (let i = 0; i < words; i++) view.setUint32(i * 4, rng.uint32(), true);
    for (let i = words * 4; i < bytes.length; i++) bytes[i] = rng.uint32() & 0xff;
    return;
  }
  const scale = baseScale(quantBits);
  const value: () => number =
    kind === "scale" ? () => scale * (0.5 + rng.uniform()) : kind === "norm" ? () => 1 + 0.02 * rng.normal() : () => 0.02 * rng.normal();
  writeFloats(bytes, r.dtype, value);
}

function writeFloats(bytes: Uint8Array, dtype: string, value: () => number): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const n = bytes.length / dtypeBytes(dtype);
  if (dtype === "float32") for (let i = 0; i < n; i++) view.setFloat32(i * 4, value(), true);
  else if (dtype === "float64") for (let i = 0; i < n; i++) view.setFloat64(i * 8, value(), true);
  else if (dtype === "float16") for (let i = 0; i < n; i++) view.setUint16(i * 2, toHalf(value()), true);
  else for (let i = 0; i < n; i++) view.setUint16(i * 2, toBFloat16(value()), true);
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The bfloat16 bits of `x` (the top half of its float32 bits, rounded to nearest even). */
export function toBFloat16(x: number): number {
  f32[0] = x;
  const bits = u32[0] ?? 0;
  return ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16) & 0xffff;
}

/** The IEEE half-precision bits of `x`, for the small finite values used here (rounded to nearest). */
export function toHalf(x: number): number {
  f32[0] = x;
  const bits = u32[0] ?? 0;
  const sign = (bits >>> 16) & 0x8000;
  const exp = ((bits >>> 23) & 0xff) - 127 + 15;
  const mantissa = bits & 0x7fffff;
  if (exp <= 0) {
    // Subnormal (or zero) in half precision.
    if (exp < -10) return sign;
    const m = (mantissa | 0x800000) >>> (1 - exp);
    return sign | ((m + 0x1000) >>> 13);
  }
  if (exp >= 31) return sign | 0x7bff; // clamp to the largest finite half: weights must stay finite
  return sign | ((exp << 10) + ((mantissa + 0x1000) >>> 13));
}
