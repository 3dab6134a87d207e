/**
 * The model picker: `engine.models.list()` as a list a person can choose from. Each model shows
 * its estimated download, the GPU memory it needs, its context window, tool support, whether it
 * is cached, and whether it fits this device. The rows are radio buttons, so arrow keys and
 * screen readers work without any extra code.
 */
import type { ModelInfo } from "../src/index.js";
import { deviceName, formatBytes, isSoftware, type DeviceInfo } from "./device.js";
import { h, icon, replace } from "./dom.js";
import { displayName, judgeFit, quantization, type Fit } from "./models.js";

export interface PickerCallbacks {
  /** The person chose a model and pressed the load button. */
  onLoad(id: string): void;
  onUnload(): void;
}

interface Row {
  model: ModelInfo;
  fit: Fit;
  bytes: number | null;
  /** Whether `bytes` is an estimate (from the id) rather than the real files' size. */
  estimated: boolean;
}

const FIT_TEXT: Record<Fit["level"], string> = { fits: "Fits", tight: "May not fit", no: "Can't run" };

/** "4k", "1k", "128k". */
function contextText(tokens: number | null): string {
  if (tokens === null) return "ctx ?";
  return tokens >= 1024 ? `${Math.round(tokens / 1024)}k ctx` : `${tokens} ctx`;
}

export class ModelPicker {
  readonly element: HTMLElement;
  private rows: Row[] = [];
  private selected: string | null = null;
  private loaded: string | null = null;
  private recommended: string | null = null;
  private busy = false;
  /** Whether this browser has a WebGPU adapter: without one, no model can load. */
  private usable = true;
  private loadNote = "";
  private query = "";
  private onlyFits = false;
  private onlyCached = false;
  private readonly list: HTMLElement;
  private readonly footer: HTMLElement;
  private readonly deviceLine: HTMLElement;
  private readonly count: HTMLElement;

  constructor(private readonly callbacks: PickerCallbacks) {
    this.list = h("div", { class: "model-list", role: "radiogroup", "aria-label": "Models", "data-testid": "model-list" });
    this.footer = h("div", { class: "picker-footer" });
    this.deviceLine = h("div", { class: "device-line", "data-testid": "device-line" });
    this.count = h("span", { class: "muted" });
    const search = h("input", {
      type: "search",
      class: "search",
      placeholder: "Search models",
      "aria-label": "Search models",
      oninput: () => {
        this.query = search.value.trim().toLowerCase();
        this.renderList();
      },
    });
    const toggle = (label: string, set: (v: boolean) => void, testid: string): HTMLElement => {
      const box = h("input", {
        type: "checkbox",
        "data-testid": testid,
        onchange: () => {
          set(box.checked);
          this.renderList();
        },
      });
      return h("label", { class: "chip-toggle" }, box, h("span", null, label));
    };
    this.element = h(
      "section",
      { class: "picker", "aria-label": "Model picker" },
      h("div", { class: "panel-head" }, h("h2", null, "Models"), this.count),
      this.deviceLine,
      h(
        "div",
        { class: "picker-filters" },
        search,
        h("div", { class: "chip-row" }, toggle("Fits this device", (v) => (this.onlyFits = v), "filter-fits"), toggle("Cached", (v) => (this.onlyCached = v), "filter-cached")),
      ),
      this.list,
      this.footer,
    );
  }

  /** Shows the catalog, judged against this device. */
  setModels(models: ModelInfo[], device: DeviceInfo, recommended: string | null): void {
    this.recommended = recommended;
    const order = { fits: 0, tight: 1, no: 2 } as const;
    this.rows = models
      .map((model) => ({ model, fit: judgeFit(model, device, models), bytes: model.download_size_bytes, estimated: model.download_size_estimated }))
      .sort(
        (a, b) =>
          Number(b.model.id === recommended) - Number(a.model.id === recommended) ||
          Number(b.model.cached) - Number(a.model.cached) ||
          order[a.fit.level] - order[b.fit.level] ||
          (a.bytes ?? Infinity) - (b.bytes ?? Infinity) ||
          a.model.id.localeCompare(b.model.id),
      );
    this.selected ??= recommended ?? this.rows[0]?.model.id ?? null;
    this.usable = device.webgpu;
    this.renderDevice(device);
    this.renderList();
  }

  /** The model whose card is selected. */
  get selection(): string | null {
    return this.selected;
  }

  /** The facts of a model in the catalog. */
  info(id: string): Row | undefined {
    return this.rows.find((r) => r.model.id === id);
  }

  select(id: string): void {
    this.selected = id;
    this.renderList();
  }

  /** Marks the loaded model; `note` says how long its load took. */
  setLoaded(id: string | null, note = ""): void {
    this.loaded = id;
    this.loadNote = note;
    this.renderFooter();
    this.renderList();
  }

  setBusy(busy: boolean): void {
    this.busy = busy;
    this.renderFooter();
  }

  private renderDevice(d: DeviceInfo): void {
    const yes = (ok: boolean, text: string): HTMLElement => h("span", { class: ok ? "cap cap-yes" : "cap cap-no" }, icon(ok ? "check" : "x"), text);
    replace(
      this.deviceLine,
      icon("chip"),
      h("span", { class: "device-name" }, deviceName(d) || (d.webgpu ? "WebGPU adapter" : "No WebGPU adapter")),
      d.webgpu ? yes(d.shader_f16, "shader-f16") : null,
      d.limits ? h("span", { class: "cap", title: "maxStorageBufferBindingSize: the largest buffer a shader can bind. WebLLM wants 1 GB; below that, only -1k models are safe." }, `${formatBytes(d.limits.maxStorageBufferBindingSize)} bindings`) : null,
      isSoftware(d) ? h("span", { class: "cap cap-warn", title: "A software (CPU) GPU: models run, but slowly." }, "software GPU") : null,
    );
  }

  private renderList(): void {
    const visible = this.rows.filter(
      (r) =>
        (r.model.id === this.selected ||
          ((!this.onlyFits || r.fit.level === "fits") && (!this.onlyCached || r.model.cached))) &&
        (this.query === "" || r.model.id.toLowerCase().includes(this.query)),
    );
    replace(this.count, `${visible.length} of ${this.rows.length}`);
    replace(this.list, visible.length ? visible.map((r) => this.renderRow(r)) : h("p", { class: "muted empty-list" }, "No model matches."));
    this.renderFooter();
  }

  private renderRow(r: Row): HTMLElement {
    const { model, fit, bytes, estimated } = r;
    const quant = quantization(model.id);
    const input = h("input", {
      type: "radio",
      name: "model",
      value: model.id,
      checked: model.id === this.selected,
      class: "visually-hidden",
      onchange: () => {
        this.selected = model.id;
        for (const el of this.list.querySelectorAll(".model-row")) el.classList.toggle("selected", el.getAttribute("data-model") === model.id);
        this.renderFooter();
      },
    });
    return h(
      "label",
      {
        class: `model-row row-${fit.level}${model.id === this.selected ? " selected" : ""}`,
        "data-model": model.id,
        "data-testid": "model-row",
        title: model.id,
        ondblclick: () => this.callbacks.onLoad(model.id),
      },
      input,
      h(
        "div",
        { class: "model-main" },
        h(
          "div",
          { class: "model-name" },
          h("span", { class: "name" }, displayName(model.id)),
          quant ? h("span", { class: "tag" }, quant) : null,
          model.id === this.recommended ? h("span", { class: "tag tag-accent" }, "Recommended") : null,
        ),
        h(
          "div",
          { class: "model-facts" },
          h("span", { title: estimated ? "Estimated download size" : "Download size, from the model's files" }, icon("download"), bytes !== null ? `${estimated ? "≈" : ""}${formatBytes(bytes)}` : "size ?"),
          h("span", { title: "GPU memory needed (vram_required_mb)" }, model.vram_required_mb !== null ? `${formatBytes(model.vram_required_mb * 1024 * 1024)} VRAM` : "VRAM ?"),
          h("span", { title: "Context window in tokens" }, contextText(model.context_window)),
          model.tools ? h("span", { class: "tag tag-soft", title: "Supports tool calling" }, "tools") : null,
          model.cached ? h("span", { class: "tag tag-ok", "data-testid": "cached-tag", title: "Already downloaded: loads offline" }, "cached") : null,
          model.id === this.loaded ? h("span", { class: "tag tag-accent" }, "loaded") : null,
        ),
        // Without an adapter every model has the same reason; the device line says it once.
        fit.reasons.length && this.usable ? h("div", { class: "fit-reasons" }, fit.reasons.join(" ")) : null,
      ),
      h("span", { class: `fit fit-${fit.level}`, "data-testid": "fit", title: fit.reasons.join(" ") || "Nothing stands in the way on this device." }, FIT_TEXT[fit.level]),
    );
  }

  private renderFooter(): void {
    const row = this.selected ? this.info(this.selected) : undefined;
    if (!row) {
      replace(this.footer);
      return;
    }
    const isLoaded = row.model.id === this.loaded;
    const action = isLoaded
      ? h("button", { type: "button", class: "btn", "data-testid": "unload", disabled: this.busy, onclick: () => this.callbacks.onUnload() }, "Unload")
      : h(
          "button",
          { type: "button", class: "btn btn-primary btn-block", "data-testid": "load-model", disabled: this.busy || !this.usable, onclick: () => this.callbacks.onLoad(row.model.id) },
          icon(row.model.cached ? "bolt" : "download"),
          !this.usable ? "Needs WebGPU" : row.model.cached ? "Load from cache" : `Download${row.bytes !== null ? ` ${row.estimated ? "≈" : ""}${formatBytes(row.bytes)}` : ""} and load`,
        );
    replace(
      this.footer,
      h("div", { class: "selected-model" }, h("span", { class: "muted" }, isLoaded ? "Loaded" : "Selected"), h("strong", { class: "model-id" }, row.model.id)),
      isLoaded && this.loadNote ? h("div", { class: "load-note", "data-testid": "load-note" }, this.loadNote) : null,
      action,
    );
  }
}
