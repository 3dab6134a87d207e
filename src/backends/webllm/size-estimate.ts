/**
 * A model's download size from its id alone, for models none of whose files are stored yet:
 * WebLLM's records give no size, and `tensor-cache.json` is read only once a load starts. Marked
 * as an estimate wherever it is reported (`ModelInfo.download_size_estimated`).
 */

/** A quantization in an MLC id: `q4f16_1` is 4-bit weights with f16 activations. */
const QUANT = /(?:^|[-_])q(\d)f(16|32)(?:_\d)?(?=[-_]|$)/i;

/** Parameter counts that ids round (or do not spell out), so the estimate stays honest. */
const KNOWN_PARAMS: [RegExp, number][] = [
  [/^Llama-3\.2-1B/i, 1.24e9],
  [/^Llama-3\.2-3B/i, 3.21e9],
  [/^Qwen2(\.5)?-0\.5B/i, 0.49e9],
  [/^Qwen2(\.5)?-1\.5B/i, 1.54e9],
  [/^gemma-2-2b/i, 2.61e9],
  [/phi-3(\.5)?-vision/i, 4.2e9],
  [/phi-(3(\.5)?|4)-mini/i, 3.8e9],
  [/^phi-2/i, 2.7e9],
  [/^phi-1_5/i, 1.4e9],
  [/gemma-4-E2B/i, 5.1e9],
];

/** The parameter count the id names (`0.5B`, `135M`, `1_6b`), or null. */
export function parameterCount(id: string): number | null {
  for (const [re, n] of KNOWN_PARAMS) if (re.test(id)) return n;
  const m = /(?:^|[-_])(\d+(?:[._]\d+)?)([BM])(?=[-_]|$)/i.exec(id);
  if (!m?.[1] || !m[2]) return null;
  return Number(m[1].replace("_", ".")) * (m[2].toUpperCase() === "B" ? 1e9 : 1e6);
}

/**
 * Parameters × bits per weight. MLC's group quantization stores one scale per 32 weights, so
 * q4f16_1 costs 4.5 bits a weight and q4f32_1 costs 5; q0 is unquantized. Checked against real
 * repositories, it lands within about 10% (Llama-3.2-1B q4f16_1 ≈ 0.70 GB).
 */
export function estimateDownloadBytes(id: string): number | null {
  const params = parameterCount(id);
  const q = QUANT.exec(id);
  if (params === null || !q?.[1] || !q[2]) return null;
  const weightBits = Number(q[1]);
  const activationBits = Number(q[2]);
  const bits = weightBits === 0 ? activationBits : weightBits + activationBits / 32;
  return Math.round((params * bits) / 8);
}
