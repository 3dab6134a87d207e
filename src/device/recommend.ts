import type { ModelInfo, ModelList } from "../openai/models.js";
import { f32Variant, formatBytes, judgeModel } from "./fit.js";
import { probeDevice, type DeviceProbe } from "./probe.js";

/** What `recommendModel` chooses from, and the caller's limits. */
export interface RecommendOptions {
  /** The catalog, as `engine.models.list()` answers it. */
  models: ModelList | readonly ModelInfo[];
  /** A probe to judge by; `probeDevice()` runs when it is left out. */
  device?: DeviceProbe;
  /** The largest download to consider, in bytes. Default 1 GiB, about a minute at 150 Mbit/s. */
  maxDownloadBytes?: number;
  /** Only models that can call tools. */
  tools?: boolean;
  /** Only models with at least this context window, in tokens. */
  minContextWindow?: number;
  /** Only f16 (`q4f16_1`, `q0f16`) or only f32 models. f16 needs `shader-f16`. */
  precision?: "f16" | "f32";
}

/** `recommendModel`'s answer. */
export interface Recommendation {
  /** The model to load, or null when none fits: `reasons` then says why, and what to change. */
  model: ModelInfo | null;
  /** Why this model, or why none, in words an app can show. */
  reasons: string[];
  /** What to know before loading it, such as a software adapter's speed. */
  warnings: string[];
  /** The probe it judged by. */
  device: DeviceProbe;
}

const precisionOf = (id: string): string | undefined => /q\d+(f16|f32)/i.exec(id)?.[1]?.toLowerCase();
const size = (m: ModelInfo): number => m.download_size_bytes ?? Infinity;

/**
 * Picks the best catalog model for this device within the caller's limits, and says why. On a
 * hardware GPU the best is the largest download within `maxDownloadBytes` (f16 first on a tie:
 * smaller and faster where it runs). On a software adapter (`isFallbackAdapter`: SwiftShader,
 * WARP) it is the smallest f32 model, with a warning that generation will be very slow. It never
 * throws: where nothing fits, `model` is null and `reasons` says what to change.
 */
export async function recommendModel(options: RecommendOptions): Promise<Recommendation> {
  const device = options.device ?? (await probeDevice());
  const catalog = "data" in options.models ? options.models.data : options.models;
  const warnings: string[] = [];
  const answer = (model: ModelInfo | null, ...reasons: string[]): Recommendation => ({ model, reasons, warnings, device });
  if (!device.webgpu) return answer(null, device.reason ?? "");
  const fallback = !!device.adapter?.is_fallback_adapter;
  const gpu = `${device.adapter?.vendor ?? ""} ${device.adapter?.architecture ?? ""}`.trim() || "this GPU";
  if (options.precision === "f16" && !device.shader_f16) {
    const alt = catalog.map((m) => f32Variant(m.id, catalog)).find(Boolean);
    return answer(null, `f16 models need the WebGPU feature shader-f16, which ${gpu} does not offer. Ask for precision "f32" instead${alt ? ` (such as ${alt})` : ""}, or use a GPU and browser with shader-f16.`);
  }
  const max = options.maxDownloadBytes ?? 2 ** 30;
  const skipped = new Map<string, number>();
  const fits = catalog.filter((m) => {
    const fit = judgeModel(m, device, catalog);
    const why = !fit.runs
      ? (fit.reasons[0]?.includes("shader-f16") ? "need shader-f16" : "cannot run on this GPU")
      : options.tools && !m.tools
        ? "cannot call tools"
        : (m.context_window ?? 0) < (options.minContextWindow ?? 0)
          ? "have a smaller context window"
          : (options.precision && precisionOf(m.id) !== options.precision) || (fallback && precisionOf(m.id) !== "f32")
            ? `are not ${fallback ? "f32" : options.precision}`
            : size(m) > max
              ? `are over ${formatBytes(max)} to download`
              : "";
    if (why) skipped.set(why, (skipped.get(why) ?? 0) + 1);
    return !why;
  });
  // A software adapter runs every kernel on the CPU: only the smallest model answers in time.
  const best = fits.sort((a, b) => (fallback ? size(a) - size(b) : size(b) - size(a)) || a.id.localeCompare(b.id))[0];
  // The f32 variant is the larger download; where shader-f16 runs, the same model in f16 is faster.
  const model = fits.find((m) => !fallback && best && m.id === best.id.replace(/q(\d)f32/i, "q$1f16")) ?? best;
  if (!model) {
    const why = [...skipped].map(([w, n]) => `${n} ${w}`).join(", ");
    return answer(null, `None of the ${catalog.length} models fits: ${why}. Relax maxDownloadBytes, minContextWindow, tools or precision.`);
  }
  const bytes = model.download_size_bytes;
  const download = bytes === null ? "size unknown" : `${model.download_size_estimated ? "about " : ""}${formatBytes(bytes)} to download`;
  if (fallback) warnings.push(`${gpu} is a software adapter (no hardware GPU): generation will be very slow, often under 1 token/s for a 1B model.`);
  warnings.push(...judgeModel(model, device, catalog).warnings);
  return answer(
    model,
    fallback ? `${model.id} is the smallest f32 model (${download}), the only kind a software adapter runs in usable time.` : `${model.id} is the largest model that fits ${gpu} within ${formatBytes(max)} (${download}).`,
    ...(model.cached ? ["It is already downloaded: it loads offline."] : []),
  );
}
