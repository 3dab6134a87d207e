import type { InitProgressReport } from "@mlc-ai/web-llm";
import type { LoadProgress } from "../../openai/models.js";
import { PROGRESS_TEXT } from "./internals.js";

/**
 * Load progress in pagellm's own phases, reported from the first moment of a load. pagellm
 * downloads the files itself (storage/prepare.ts), so every download phase carries bytes; then
 * WebLLM's `initProgressCallback` reports the GPU upload and the shader compile, translated by
 * their text, which is all they carry.
 *
 * `progress` is the whole load's fraction, and never goes back: each phase owns a slice of 0..1.
 * `cache` (weights found already stored) comes before `fetch-weights`, so a partly stored
 * model shows what it has, then downloads the rest.
 */
const SLICES = {
  "check-gpu": [0, 0.01],
  "fetch-config": [0.01, 0.02],
  "fetch-library": [0.02, 0.05],
  "fetch-tokenizer": [0.05, 0.06],
  cache: [0.06, 0.08],
  "fetch-weights": [0.08, 0.8],
  upload: [0.8, 0.92],
  compile: [0.92, 0.99],
  ready: [1, 1],
} as const;

/** A phase of `LoadProgress` that this backend reports. */
export type Phase = keyof typeof SLICES;

const MB = 1024 * 1024;

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const startsWith = (texts: readonly string[]): RegExp => new RegExp(`^(?:${texts.map(escape).join("|")})`);

/** WebLLM's progress texts by phase (internals.ts), in the order they are tried. */
const PHASE_TEXTS: [Phase, RegExp][] = [
  ["fetch-weights", startsWith(PROGRESS_TEXT.fetchWeights)],
  ["upload", startsWith(PROGRESS_TEXT.upload)],
  ["compile", startsWith(PROGRESS_TEXT.compile)],
  ["ready", startsWith(PROGRESS_TEXT.ready)],
];
/** "123MB fetched", "4.5 MB loaded": the megabytes that WebLLM names. */
const MEGABYTES = new RegExp(`(\\d+(?:\\.\\d+)?)\\s*(?:${PROGRESS_TEXT.units.map(escape).join("|")})`);

/** Reads one of WebLLM's progress texts: its phase, and the megabytes it names. */
export function parseWebLLMText(text: string): { phase: Phase | null; mb: number | null } {
  const phase = PHASE_TEXTS.find(([, re]) => re.test(text))?.[0] ?? null;
  const mb = MEGABYTES.exec(text)?.[1];
  // The shader and "finish" texts name no megabytes of download.
  const size = mb !== undefined && phase !== "compile" && phase !== "ready" ? Number(mb) : null;
  return { phase, mb: size };
}

/** Turns phases and WebLLM's reports into `LoadProgress` for one load. */
export class ProgressReporter {
  private readonly start = performance.now();
  private last = 0;
  private phase: Phase = "check-gpu";
  /** When the current phase began, for its speed. */
  private phaseStart = this.start;
  /** Whether WebLLM's own download reports count: not when pagellm downloaded the weights. */
  webllmDownloads = true;

  constructor(
    private readonly model: string,
    private readonly emit: (p: LoadProgress) => void,
  ) {}

  /** Reports one of our own phases; `fraction` is how far into that phase the load is. */
  report(phase: Phase, text: string, fraction = 0, bytes?: { loaded?: number; total?: number }): void {
    const [from, to] = SLICES[phase];
    const overall = Math.max(this.last, Math.min(1, from + (to - from) * Math.min(1, Math.max(0, fraction))));
    const now = performance.now();
    if (phase !== this.phase) this.phaseStart = now;
    this.last = overall;
    this.phase = phase;
    const p: LoadProgress = { model: this.model, phase, progress: overall, text, elapsed_ms: Math.round(now - this.start) };
    const loaded = bytes?.loaded;
    const total = bytes?.total;
    if (loaded !== undefined) p.loaded_bytes = loaded;
    if (total !== undefined) p.total_bytes = total;
    // Speed over the phase so far; below a quarter second it is noise.
    const seconds = (now - this.phaseStart) / 1000;
    if (loaded !== undefined && loaded > 0 && seconds >= 0.25) {
      p.bytes_per_second = Math.round(loaded / seconds);
      if (total !== undefined) p.eta_ms = Math.round((Math.max(0, total - loaded) / p.bytes_per_second) * 1000);
    }
    try {
      this.emit(p);
    } catch {
      // A throwing progress handler must not fail the load.
    }
  }

  /** Translates one of WebLLM's `initProgressCallback` reports. */
  webllm(r: InitProgressReport): void {
    const { phase, mb } = parseWebLLMText(r.text);
    // WebLLM announces "Start to fetch params" even when every shard is stored already.
    if (phase === "fetch-weights" && !this.webllmDownloads) return;
    const fraction = Number.isFinite(r.progress) ? r.progress : 0;
    // WebLLM rounds the megabytes up, and its `progress` is exactly loaded/total bytes.
    const loaded = mb !== null ? Math.round(mb * MB) : undefined;
    const total = loaded !== undefined && fraction > 0 ? Math.round(loaded / fraction) : undefined;
    const bytes = loaded !== undefined ? (total !== undefined ? { loaded, total } : { loaded }) : undefined;
    this.report(phase ?? this.phase, r.text, fraction, bytes);
  }

  /** The last phase reported. */
  get current(): Phase {
    return this.phase;
  }
}
