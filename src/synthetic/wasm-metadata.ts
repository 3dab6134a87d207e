/**
 * Reads the metadata that an MLC model library (a WebLLM `.wasm`) carries about itself.
 *
 * MLC compiles a `_metadata` function into every model library; it returns one JSON string,
 * which the library stores as a constant in its WebAssembly data section: an 8-byte little-endian
 * length, then the UTF-8 JSON text (`{"model_type": "qwen2", "quantization": "q4f32_1", ...,
 * "params": [{"name", "shape", "dtype", "preprocs"}, ...], ...}`). WebLLM reads the same JSON at
 * run time (by calling `_metadata`) to know which weights to fetch, by name, from the tensor
 * cache. Reading it from the bytes needs no WebAssembly runtime and no GPU.
 */

/** One weight the library expects, by name. A dimension may be symbolic, e.g. `"vocab_size"`. */
export interface LibraryParam {
  name: string;
  shape: (number | string)[];
  dtype: string;
  preprocs?: unknown[];
}

/** The library's own description of the model it was compiled for. */
export interface LibraryMetadata {
  model_type: string;
  quantization: string;
  context_window_size: number;
  sliding_window_size: number;
  attention_sink_size: number;
  prefill_chunk_size: number;
  tensor_parallel_shards?: number;
  kv_cache?: { num_hidden_layers?: number; num_attention_heads?: number; num_key_value_heads?: number; head_dim?: number };
  params: LibraryParam[];
  [key: string]: unknown;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * The library's metadata, read from the JSON in its data section.
 * @throws Error when `wasm` is not WebAssembly, or holds no MLC metadata.
 */
export function readLibraryMetadata(wasm: Uint8Array): LibraryMetadata {
  for (const segment of dataSegments(wasm)) {
    const found = findMetadata(segment);
    if (found) return found;
  }
  throw new Error("No MLC model metadata (the JSON of `_metadata`, with a `params` list) was found in this WebAssembly module: is it a WebLLM model library?");
}

/** The bytes of each data segment, in order. */
export function dataSegments(wasm: Uint8Array): Uint8Array[] {
  const r = new Reader(wasm);
  const magic = r.bytes(4);
  if (magic[0] !== 0 || magic[1] !== 0x61 || magic[2] !== 0x73 || magic[3] !== 0x6d) throw new Error("Not a WebAssembly module: it does not start with \\0asm.");
  r.bytes(4); // version
  const segments: Uint8Array[] = [];
  while (!r.done) {
    const id = r.byte();
    const size = r.leb();
    const end = r.pos + size;
    if (end > wasm.length) throw new Error("Truncated WebAssembly module: a section runs past the end of the file.");
    if (id === 11) {
      const count = r.leb();
      for (let i = 0; i < count; i++) {
        const flags = r.leb();
        if (flags === 2) r.leb(); // memory index
        if (flags !== 1) r.skipConstExpr(); // active segments carry their offset
        segments.push(r.bytes(r.leb()));
      }
    }
    r.pos = end;
  }
  return segments;
}

/** The metadata JSON in one segment: length-prefixed first, then by matching braces. */
function findMetadata(seg: Uint8Array): LibraryMetadata | null {
  for (let p = seg.indexOf(0x7b); p >= 0; p = seg.indexOf(0x7b, p + 1)) {
    if (seg[p + 1] !== 0x22 || p < 8) continue; // `{"`, after an 8-byte length
    const view = new DataView(seg.buffer, seg.byteOffset + p - 8, 8);
    const length = view.getUint32(0, true);
    if (view.getUint32(4, true) !== 0 || length < 2 || p + length > seg.length || seg[p + length - 1] !== 0x7d) continue;
    const parsed = parseMetadata(seg.subarray(p, p + length));
    if (parsed) return parsed;
  }
  // Without the length (another runtime's layout), match braces from each `{"` before `"params"`.
  const key = new TextEncoder().encode('"params"');
  for (let k = indexOfBytes(seg, key, 0); k >= 0; k = indexOfBytes(seg, key, k + 1)) {
    for (let p = seg.lastIndexOf(0x7b, k); p >= 0 && k - p < 65536; p = p > 0 ? seg.lastIndexOf(0x7b, p - 1) : -1) {
      if (seg[p + 1] !== 0x22) continue;
      const end = matchBrace(seg, p);
      const parsed = end > 0 ? parseMetadata(seg.subarray(p, end)) : null;
      if (parsed) return parsed;
    }
  }
  return null;
}

function parseMetadata(bytes: Uint8Array): LibraryMetadata | null {
  let value: unknown;
  try {
    value = JSON.parse(utf8.decode(bytes));
  } catch {
    return null;
  }
  return isMetadata(value) ? value : null;
}

function isMetadata(v: unknown): v is LibraryMetadata {
  if (typeof v !== "object" || v === null) return false;
  const m = v as Record<string, unknown>;
  if (!Array.isArray(m.params) || m.params.length === 0) return false;
  const paramOk = (p: unknown): boolean => {
    const q = p as Partial<LibraryParam> | null;
    return (
      typeof q?.name === "string" &&
      typeof q.dtype === "string" &&
      Array.isArray(q.shape) &&
      q.shape.every((d) => (typeof d === "number" && Number.isInteger(d) && d >= 0) || typeof d === "string")
    );
  };
  return m.params.every(paramOk) && typeof m.model_type === "string" && typeof m.prefill_chunk_size === "number";
}

/** The end (exclusive) of the JSON object that starts at `start`, or -1. Strings are skipped. */
function matchBrace(seg: Uint8Array, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < seg.length; i++) {
    const c = seg[i];
    if (c === 0) return -1; // JSON text never holds NUL
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b) depth++;
    else if (c === 0x7d && --depth === 0) return i + 1;
  }
  return -1;
}

function indexOfBytes(hay: Uint8Array, needle: Uint8Array, from: number): number {
  for (let i = hay.indexOf(needle[0] ?? 0, from); i >= 0 && i + needle.length <= hay.length; i = hay.indexOf(needle[0] ?? 0, i + 1)) {
    let j = 1;
    while (j < needle.length && hay[i + j] === needle[j]) j++;
    if (j === needle.length) return i;
  }
  return -1;
}

/** A cursor over WebAssembly's binary encoding. */
class Reader {
  pos = 0;
  constructor(private readonly buf: Uint8Array) {}

  get done(): boolean {
    return this.pos >= this.buf.length;
  }

  byte(): number {
    const b = this.buf[this.pos++];
    if (b === undefined) throw new Error("Truncated WebAssembly module.");
    return b;
  }

  bytes(n: number): Uint8Array {
    if (this.pos + n > this.buf.length) throw new Error("Truncated WebAssembly module.");
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** An unsigned (or, read the same way and discarded, signed) LEB128 integer. */
  leb(): number {
    let result = 0;
    let scale = 1;
    for (;;) {
      const b = this.byte();
      result += (b & 0x7f) * scale;
      if (b < 0x80) return result;
      scale *= 128;
    }
  }

  /** Skips a constant expression (`i32.const n end`, `global.get i end`, ...). */
  skipConstExpr(): void {
    for (;;) {
      const op = this.byte();
      if (op === 0x0b) return;
      if (op === 0x41 || op === 0x42 || op === 0x23) this.leb();
      else throw new Error(`Unsupported instruction 0x${op.toString(16)} in a data segment's offset.`);
    }
  }
}
