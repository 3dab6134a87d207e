// The smoke page: one real chat through pagellm's public API, measured. scripts/smoke.ts calls
// `window.smoke()` and prints what it returns.
import { createEngine, type APIError, type CompletionUsage, type LoadProgress } from "../../src/index.js";

/** What one smoke run found. */
export type SmokeResult =
  | {
      ok: true;
      gpu: string;
      loadMs: number;
      reply: string;
      finishReason: string | null;
      usage: CompletionUsage | null;
      ttftMs: number | null;
      decodeTokensPerSec: number | null;
    }
  | { ok: false; gpu: string; error: { name: string; message: string; status?: number; code?: string | null; url?: string | null } };

declare global {
  interface Window {
    smoke(model: string, prompt: string, maxTokens: number): Promise<SmokeResult>;
    /** Set by scripts/smoke.ts (playwright's exposeFunction) to print load progress. */
    smokeProgress?: (p: LoadProgress) => void;
  }
}

async function describeGpu(): Promise<string> {
  if (!navigator.gpu) return "no WebGPU in this browser";
  const adapter = await navigator.gpu.requestAdapter({ powerPreference: "high-performance" });
  if (!adapter) return "WebGPU, but no adapter";
  const { vendor, architecture, description } = adapter.info;
  const f16 = adapter.features.has("shader-f16") ? "shader-f16" : "no shader-f16";
  return `${[vendor, architecture, description].filter(Boolean).join(" / ") || "unknown adapter"} (${f16}${adapter.info.isFallbackAdapter ? ", FALLBACK adapter" : ""})`;
}

window.smoke = async (model, prompt, maxTokens) => {
  const gpu = await describeGpu();
  const worker = new Worker(new URL("./worker.ts", import.meta.url), { type: "module" });
  const engine = await createEngine({ worker });
  try {
    const t0 = performance.now();
    await engine.load(model, { onProgress: (p) => window.smokeProgress?.(p) });
    const loadMs = performance.now() - t0;

    const start = performance.now();
    let first: number | null = null;
    let chunksAfterFirst = 0;
    let reply = "";
    let finishReason: string | null = null;
    let usage: CompletionUsage | null = null;
    const stream = await engine.chat.completions.create({
      model,
      messages: [{ role: "user", content: prompt }],
      stream: true,
      stream_options: { include_usage: true },
      max_tokens: maxTokens,
      temperature: 0,
    });
    for await (const chunk of stream) {
      const choice = chunk.choices[0];
      if (choice?.delta.content) {
        if (first === null) first = performance.now();
        else chunksAfterFirst++;
        reply += choice.delta.content;
      }
      if (choice?.finish_reason) finishReason = choice.finish_reason;
      if (chunk.usage) usage = chunk.usage;
    }
    const end = performance.now();
    // Decode speed: the tokens after the first one, over the time after the first one arrived.
    const decoded = usage ? usage.completion_tokens - 1 : chunksAfterFirst;
    const decodeTokensPerSec = first !== null && end > first && decoded > 0 ? decoded / ((end - first) / 1000) : null;
    return { ok: true, gpu, loadMs, reply, finishReason, usage, ttftMs: first === null ? null : first - start, decodeTokensPerSec };
  } catch (err) {
    const e = err as APIError & { url?: string | null };
    return { ok: false, gpu, error: { name: e.name, message: e.message, status: e.status, code: e.code, url: e.url ?? null } };
  } finally {
    engine.close();
  }
};
