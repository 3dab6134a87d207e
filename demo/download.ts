/**
 * The load card: which phase a load is in, megabytes of the total, speed and time left, and a
 * Cancel button. Speed is measured over the last few seconds, not since the start, so that the
 * estimate follows the network as it changes.
 */
import type { LoadProgress } from "../src/index.js";
import { formatBytes } from "./device.js";
import { h, icon, replace } from "./dom.js";

const PHASES: Record<string, string> = {
  "check-gpu": "Checking the GPU",
  "fetch-config": "Fetching the model config",
  "fetch-library": "Fetching the model library",
  "fetch-tokenizer": "Fetching the tokenizer",
  cache: "Weights found in the browser's storage",
  "fetch-weights": "Downloading weights",
  upload: "Copying weights to the GPU",
  compile: "Compiling GPU shaders",
  ready: "Ready",
};

/** A phase as a person reads it. */
export function phaseLabel(p: LoadProgress): string {
  return PHASES[p.phase] ?? p.text ?? p.phase;
}

/** "1 min 5 s", "12 s". */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`;
  return s >= 60 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${s} s`;
}

/** One load, as a card in the chat column. */
export class DownloadView {
  readonly element: HTMLElement;
  private readonly bar: HTMLElement;
  private readonly barFill: HTMLElement;
  private readonly phase: HTMLElement;
  private readonly numbers: HTMLElement;
  private readonly samples: { t: number; bytes: number }[] = [];
  private readonly started = performance.now();

  /** `warning`: why this model may not fit here, shown under the bar while it loads. */
  constructor(
    readonly model: string,
    readonly fromCache: boolean,
    onCancel: () => void,
    warning = "",
  ) {
    this.barFill = h("div", { class: "bar-fill" });
    this.bar = h("div", { class: "bar", role: "progressbar", "aria-valuemin": "0", "aria-valuemax": "100", "aria-valuenow": "0", "aria-label": "Model load progress" }, this.barFill);
    this.phase = h("span", { class: "load-phase", "data-testid": "load-phase" }, fromCache ? "Loading from the browser cache" : "Starting");
    this.numbers = h("span", { class: "load-numbers", "data-testid": "load-numbers" }, "");
    this.element = h(
      "section",
      { class: "load-card", "data-testid": "load-card", "aria-live": "polite" },
      h(
        "div",
        { class: "load-head" },
        icon(fromCache ? "layers" : "download"),
        h("div", { class: "load-title" }, h("strong", null, fromCache ? "Loading " : "Downloading "), h("span", { class: "model-id" }, model)),
        h("button", { type: "button", class: "btn btn-small", "data-testid": "cancel-load", onclick: onCancel }, "Cancel"),
      ),
      this.bar,
      h("div", { class: "load-meta" }, this.phase, this.numbers),
      warning ? h("p", { class: "load-warning", "data-testid": "load-warning" }, icon("alert"), `May not fit: ${warning} If the GPU resets, pick a smaller model.`) : null,
    );
  }

  /** Shows one progress report. */
  update(p: LoadProgress): void {
    const pct = Math.round(Math.min(1, Math.max(0, p.progress)) * 100);
    this.barFill.style.width = `${pct}%`;
    this.bar.setAttribute("aria-valuenow", String(pct));
    replace(this.phase, phaseLabel(p));
    const now = performance.now();
    if (p.loaded_bytes !== undefined && p.total_bytes) {
      this.samples.push({ t: now, bytes: p.loaded_bytes });
      while (this.samples.length > 2 && now - (this.samples[0]?.t ?? now) > 3000) this.samples.shift();
      const first = this.samples[0];
      const speed = first && now > first.t ? ((p.loaded_bytes - first.bytes) * 1000) / (now - first.t) : 0;
      const parts = [`${formatBytes(p.loaded_bytes)} of ${formatBytes(p.total_bytes)}`];
      if (speed > 0) {
        parts.push(`${formatBytes(speed)}/s`);
        parts.push(`${formatDuration(((p.total_bytes - p.loaded_bytes) * 1000) / speed)} left`);
      }
      replace(this.numbers, parts.join(" · "));
    } else {
      replace(this.numbers, `${pct}% · ${formatDuration(now - this.started)}`);
    }
  }

  /** How long the load took, in ms. */
  elapsed(): number {
    return performance.now() - this.started;
  }
}
