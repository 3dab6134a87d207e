// The files of the test model server's "full" repository (test/support/model-server.ts), shared
// with the browser tests that check what was stored. No Node imports: browser tests import it.

/** The "full" repository's shards: how many, and the bytes of each. */
export const SHARDS = 6;
export const SHARD_BYTES = 48 * 1024;
/** The `slow` fault: this many bytes every SLOW_MS milliseconds. */
export const SLOW_CHUNK = 4096;
export const SLOW_MS = 100;

/** The smallest valid WebAssembly module: magic and version, no sections. */
export const EMPTY_WASM = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);

/** Shard `i`'s bytes: deterministic, so a test can compare what was stored. */
export function shardBytes(i: number): Uint8Array {
  const out = new Uint8Array(SHARD_BYTES);
  for (let j = 0; j < out.length; j++) out[j] = (i * 31 + j * 7) & 0xff;
  return out;
}

/** The "full" repository's `tensor-cache.json`: one f32 tensor per shard. */
export function fullManifest(): unknown {
  return {
    metadata: { ParamSize: SHARDS, ParamBytes: SHARDS * SHARD_BYTES, BitsPerParam: 32 },
    records: Array.from({ length: SHARDS }, (_, i) => ({
      dataPath: `params_shard_${i}.bin`,
      format: "raw-shard",
      nbytes: SHARD_BYTES,
      records: [{ name: `param_${i}`, shape: [SHARD_BYTES / 4], dtype: "float32", format: "raw", nbytes: SHARD_BYTES, byteOffset: 0 }],
      md5sum: "",
    })),
  };
}


/** The storage estimate that fixtures/webllm-small-quota-worker.ts injects: 150 KiB free. */
export const SMALL_QUOTA = { quota: 200 * 1024, usage: 50 * 1024 };
