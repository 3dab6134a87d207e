/**
 * pagellm's demo: a chat app on top of `createEngine`. This file builds the shell and ties the
 * parts together: the device probe, the engine (a module Worker running `serve()`), the model
 * picker, loads with progress, the chat, the settings, and the service worker.
 */
import { APIUserAbortError, createEngine, type Engine, type ModelInfo } from "../src/index.js";
import { ModelPicker } from "./catalog.js";
import { Chat } from "./chat.js";
import { formatBytes, isSoftware, probeDevice, type DeviceInfo } from "./device.js";
import { h, icon, replace } from "./dom.js";
import { DownloadView, formatDuration } from "./download.js";
import { describeError, needsF16, noWebGPU, renderProblem, type Problem, type Remedies } from "./errors.js";
import { defaultModel, displayName, f32Alternative, judgeFit, quantization } from "./models.js";
import { judgeModel, type Recommendation } from "../src/index.js";
import { Settings } from "./settings.js";

const FAKE = import.meta.env.VITE_PAGELLM_FAKE === "1";
const LAST_MODEL_KEY = "pagellm-demo:model";

const SUGGESTIONS = [
  "Explain WebGPU to a ten-year-old in three sentences.",
  "Write a haiku about keeping secrets on your own computer.",
  "Give me a packing list for a weekend hike, as a Markdown checklist.",
  "What are the trade-offs of running a language model in the browser?",
];

interface State {
  engine: Engine | null;
  device: DeviceInfo | null;
  models: ModelInfo[];
  loaded: string | null;
  loading: { id: string; controller: AbortController } | null;
  recommended: string | null;
  /** Why the library recommends `recommended`, and what to know before loading it. */
  recommendation: Recommendation | null;
}

const state: State = { engine: null, device: null, models: [], loaded: null, loading: null, recommended: null, recommendation: null };

/**
 * Why WebLLM cannot start on this adapter whatever the model (its limits are below WebLLM's
 * minimums), or null: the library's judgement of a model that needs no feature and no buffer.
 */
function deviceProblem(d: DeviceInfo): string | null {
  const any = state.models[0];
  if (!d.webgpu) return d.reason;
  if (!any) return null;
  return judgeModel({ ...any, requires: [], buffer_size_required_bytes: null }, d).reasons[0] ?? null;
}

function deviceUsable(d: DeviceInfo): boolean {
  return deviceProblem(d) === null;
}

// ---------------------------------------------------------------- shell

const app = document.getElementById("app") as HTMLElement;
const notices = h("div", { class: "notices", "data-testid": "notices" });
/** Shown over a restored conversation while no model is loaded: the way back to chatting. */
const resume = h("div", { class: "resume", "data-testid": "resume", hidden: true });
const toastEl = h("div", { class: "toast", role: "status", "aria-live": "polite", "data-testid": "toast" });
const statusChip = h("button", { type: "button", class: "status-chip", "data-testid": "status", onclick: () => togglePanel("models") });
const offlinePill = h("span", { class: "pill pill-offline", hidden: true, title: "Cached models and the app itself work offline." }, icon("wifiOff"), "Offline");

const settings = new Settings();
const picker = new ModelPicker({
  onLoad: (id) => void loadModel(id),
  onUnload: () => void unloadModel(),
});
const chat = new Chat({
  engine: () => state.engine,
  model: () => state.loaded,
  settings,
  remedies: () => remedies(null),
  onBusy: (busy) => {
    // A new message makes the last notice old news.
    if (busy) toastEl.classList.remove("visible");
    renderStatus();
  },
});

const scrim = h("div", { class: "scrim", onclick: () => closePanels() });
const modelsPanel = h("aside", { class: "panel panel-models", id: "models-panel", "aria-label": "Models", tabindex: "-1" }, panelClose("models"), picker.element);
const settingsPanel = h(
  "aside",
  { class: "panel panel-settings", id: "settings-panel", "aria-label": "Settings", tabindex: "-1" },
  panelClose("settings"),
  h("div", { class: "panel-head" }, h("h2", null, "Settings"), h("span", { class: "muted" }, "per request")),
  settings.element,
);

function panelClose(which: "models" | "settings"): HTMLElement {
  return h("button", { type: "button", class: "icon-btn panel-close", "aria-label": "Close", onclick: () => togglePanel(which, false) }, icon("x"));
}

const header = h(
  "header",
  { class: "topbar" },
  h(
    "button",
    { type: "button", class: "icon-btn only-narrow", "aria-label": "Models", "aria-controls": "models-panel", "data-testid": "open-models", onclick: () => togglePanel("models") },
    icon("layers"),
  ),
  h("div", { class: "brand" }, h("img", { src: "./icon.svg", alt: "", width: "28", height: "28" }), h("div", { class: "hide-narrow" }, h("strong", null, "pagellm"), h("span", { class: "tagline" }, "Private AI chat on your GPU"))),
  h("div", { class: "topbar-mid" }, statusChip, offlinePill),
  h(
    "div",
    { class: "topbar-actions" },
    h("button", { type: "button", class: "btn btn-ghost", "data-testid": "new-chat", onclick: () => newChat() }, icon("plus"), h("span", { class: "hide-narrow" }, "New chat")),
    h(
      "button",
      { type: "button", class: "icon-btn", "aria-label": "Settings", "aria-controls": "settings-panel", "data-testid": "open-settings", onclick: () => togglePanel("settings") },
      icon("sliders"),
    ),
  ),
);

replace(
  app,
  header,
  FAKE
    ? h(
        "div",
        { class: "fake-banner", role: "note", "data-testid": "fake-banner" },
        h("strong", null, "Test backend:"),
        " scripted replies, no model runs. ",
        h("span", { class: "hide-narrow" }, "pagellm's fakeBackend serves this build (VITE_PAGELLM_FAKE=1, for tests); nothing is downloaded."),
      )
    : null,
  h("div", { class: "layout" }, modelsPanel, h("main", { class: "main" }, notices, resume, chat.element), settingsPanel),
  scrim,
  toastEl,
);

/** Below these widths the panel is an overlay drawer instead of a column. */
const NARROW = { models: "(max-width: 759px)", settings: "(max-width: 1099px)" } as const;
const isNarrow = (which: "models" | "settings"): boolean => window.matchMedia(NARROW[which]).matches;

/** Opens or closes a side panel. Only one drawer is open at a time. */
function togglePanel(which: "models" | "settings", open?: boolean): void {
  const cls = `show-${which}`;
  const next = open ?? !document.body.classList.contains(cls);
  document.body.classList.toggle(cls, next);
  const other = which === "models" ? "settings" : "models";
  if (next && isNarrow(which) && isNarrow(other)) document.body.classList.remove(`show-${other}`);
  // Focus moves into a drawer (not into its first field, which would pop up a phone's keyboard).
  if (next && isNarrow(which)) document.getElementById(`${which}-panel`)?.focus({ preventScroll: true });
}

/** Closes the drawers (not the columns). */
function closePanels(): void {
  for (const which of ["models", "settings"] as const) if (isNarrow(which)) document.body.classList.remove(`show-${which}`);
}

document.addEventListener("keydown", (e) => {
  if (e.key === "Escape" && !chat.busy) closePanels();
});

// Wide screens show settings by default; narrow ones open it on demand.
if (window.matchMedia("(min-width: 1100px)").matches) document.body.classList.add("show-settings");

let toastTimer = 0;
function toast(text: string): void {
  replace(toastEl, text);
  toastEl.classList.add("visible");
  clearTimeout(toastTimer);
  toastTimer = window.setTimeout(() => toastEl.classList.remove("visible"), 5000);
}

function showNotice(problem: Problem | null): void {
  // A problem outranks a passing "ready" note: never show both.
  if (problem) toastEl.classList.remove("visible");
  replace(
    notices,
    problem
      ? renderProblem(problem, () => {
          replace(notices);
          renderEmptyState();
        })
      : null,
  );
}

function renderStatus(): void {
  const l = state.loading;
  if (l) {
    replace(statusChip, h("span", { class: "dot dot-busy" }), `Loading ${displayName(l.id)}`);
  } else if (state.loaded) {
    const q = quantization(state.loaded);
    replace(statusChip, h("span", { class: `dot ${chat.busy ? "dot-busy" : "dot-ok"}` }), displayName(state.loaded), q ? h("span", { class: "tag" }, q) : null);
  } else {
    replace(statusChip, h("span", { class: "dot" }), "No model loaded");
  }
  statusChip.title = state.loaded ? state.loaded : "Choose a model";
}

function renderEmptyState(): void {
  const d = state.device;
  const rec = state.recommended ? state.models.find((m) => m.id === state.recommended) : undefined;
  const hero = h(
    "div",
    { class: "hero" },
    h("img", { class: "hero-icon", src: "./icon.svg", alt: "", width: "56", height: "56" }),
    h("h1", null, "Chat with a model that runs on your own GPU"),
    h("p", { class: "hero-sub" }, "No server and no API key: the model runs in this tab, and your messages never leave this device. Once downloaded, it works offline."),
  );
  let action: HTMLElement | null = null;
  if (state.loaded) {
    action = h(
      "div",
      { class: "suggestions" },
      SUGGESTIONS.map((s) =>
        h("button", {
          type: "button",
          class: "suggestion",
          onclick: () => {
            const input = chat.element.querySelector("textarea");
            if (input) {
              input.value = s;
              chat.submit();
            }
          },
        }, s),
      ),
    );
  } else if (state.loading) {
    action = null;
  } else if (d && deviceUsable(d) && rec) {
    const row = picker.info(rec.id);
    const warning = state.recommendation?.warnings[0];
    action = h(
      "div",
      { class: "start-card", "data-testid": "start-card" },
      h(
        "div",
        { class: "start-text" },
        h("span", { class: "muted" }, rec.cached ? "Ready on this device" : "Recommended for this device"),
        h("strong", null, displayName(rec.id)),
        h("span", { class: "muted small" }, rec.id),
        warning ? h("span", { class: "muted small start-warning", "data-testid": "start-warning" }, warning) : null,
      ),
      h(
        "button",
        { type: "button", class: "btn btn-primary btn-large", "data-testid": "start", onclick: () => void loadModel(rec.id) },
        icon(rec.cached ? "bolt" : "download"),
        rec.cached ? "Load and start" : `Download${row?.bytes ? ` ≈${formatBytes(row.bytes)}` : ""} and start`,
      ),
      h("button", { type: "button", class: "link-btn", onclick: () => togglePanel("models", true) }, "or choose another model"),
    );
  }
  chat.setEmptyState(h("div", { class: "empty" }, hero, action));

  // Hidden while a problem card is up: the card has its own way forward (Retry, another model).
  const showResume = !state.loaded && !state.loading && !chat.isEmpty && notices.childElementCount === 0 && rec !== undefined && d !== null && deviceUsable(d);
  resume.hidden = !showResume;
  if (showResume && rec) {
    replace(
      resume,
      h("span", null, "Load a model to continue this conversation."),
      h("button", { type: "button", class: "btn btn-primary btn-small", "data-testid": "resume-load", onclick: () => void loadModel(rec.id) }, icon(rec.cached ? "bolt" : "download"), displayName(rec.id)),
      h("button", { type: "button", class: "link-btn", onclick: () => togglePanel("models", true) }, "Choose…"),
    );
  }
}

// ---------------------------------------------------------------- engine and models

function newWorker(): Worker {
  return new Worker(new URL("./worker.ts", import.meta.url), { type: "module", name: "pagellm" });
}

function remedies(model: string | null): Remedies {
  return {
    loadModel: (id) => void loadModel(id),
    openPicker: () => togglePanel("models", true),
    flagParam: (param) => {
      const found = settings.flag(param);
      if (found) togglePanel("settings", true);
      return found;
    },
    restart: () => void start(),
    f32Alternative: state.device && (model ?? state.loaded) ? f32Alternative((model ?? state.loaded) as string, state.models, state.device) : null,
  };
}

async function refreshModels(): Promise<void> {
  if (!state.engine || !state.device) return;
  state.models = (await state.engine.models.list()).data;
  state.recommendation = await defaultModel(state.models, state.device, localStorage.getItem(LAST_MODEL_KEY));
  state.recommended = state.recommendation.model?.id ?? null;
  picker.setModels(state.models, state.device, state.recommended);
}

async function loadModel(id: string): Promise<void> {
  const engine = state.engine;
  const device = state.device;
  if (!engine || !device || state.loading) return;
  if (chat.busy) chat.stop();
  const model = state.models.find((m) => m.id === id);
  if (!model) return;
  picker.select(id);
  closePanels();
  const fit = judgeFit(model, device, state.models);
  if (fit.level === "no") {
    // Say so now, before any download: the worker would refuse it anyway.
    showNotice(
      model.requires.includes("shader-f16") && !device.shader_f16
        ? needsF16(id, fit.alternative, remedies(id))
        : { kind: "fit", title: "This model cannot run here", body: [h("p", null, fit.reasons.join(" "))], actions: [{ label: "Choose another model", run: () => togglePanel("models", true) }] },
    );
    return;
  }
  showNotice(null);
  const controller = new AbortController();
  const view = new DownloadView(id, model.cached, () => controller.abort(), fit.level === "tight" ? fit.reasons.join(" ") : "");
  notices.append(view.element);
  state.loading = { id, controller };
  state.loaded = null;
  picker.setBusy(true);
  picker.setLoaded(null);
  chat.refreshComposer();
  renderStatus();
  renderEmptyState();
  try {
    await engine.load(id, { signal: controller.signal, onProgress: (p) => view.update(p) });
    const took = formatDuration(view.elapsed());
    const note = model.cached ? `Loaded from cache in ${took}` : `Downloaded and loaded in ${took}`;
    state.loaded = id;
    localStorage.setItem(LAST_MODEL_KEY, id);
    picker.setLoaded(id, note);
    toast(`${displayName(id)} is ready. ${note}.`);
    chat.focus();
  } catch (err) {
    if (err instanceof APIUserAbortError) toast("Download cancelled. Files already fetched stay cached.");
    else showNotice(describeError(err, { ...remedies(id), retry: () => void loadModel(id) }));
  } finally {
    view.element.remove();
    state.loading = null;
    picker.setBusy(false);
    await refreshModels().catch(() => undefined);
    chat.refreshComposer();
    renderStatus();
    renderEmptyState();
  }
}

async function unloadModel(): Promise<void> {
  if (!state.engine) return;
  chat.stop();
  await state.engine.unload();
  state.loaded = null;
  picker.setLoaded(null);
  chat.refreshComposer();
  renderStatus();
  renderEmptyState();
}

function newChat(): void {
  chat.clear();
  renderEmptyState();
  chat.focus();
}

/** Starts (or restarts) the engine, then offers the best model for this device. */
async function start(): Promise<void> {
  state.engine?.close();
  state.engine = null;
  state.loaded = null;
  state.loading = null;
  showNotice(null);
  state.device ??= await probeDevice();
  const device = state.device;
  document.body.dataset.device = device.webgpu ? (device.shader_f16 ? "f16" : "f32") : "none";
  document.body.dataset.adapter = device.webgpu ? (isSoftware(device) ? "software" : "hardware") : "none";
  if (!device.webgpu) showNotice(noWebGPU(device));
  try {
    state.engine = await createEngine({ worker: newWorker() });
    await refreshModels();
    const problem = device.webgpu ? deviceProblem(device) : null;
    if (problem) showNotice({ kind: "fit", title: "This GPU is too limited for WebLLM", body: [h("p", null, problem)], actions: [] });
  } catch (err) {
    showNotice(describeError(err, remedies(null)));
    return;
  } finally {
    renderStatus();
    renderEmptyState();
    chat.refreshComposer();
  }
  // A cached model the person used last time loads by itself: that is a few seconds from disk.
  const last = localStorage.getItem(LAST_MODEL_KEY);
  const lastModel = state.models.find((m) => m.id === last);
  if (lastModel?.cached && judgeFit(lastModel, device, state.models).level !== "no") void loadModel(lastModel.id);
}

// ---------------------------------------------------------------- offline

function renderOnline(): void {
  offlinePill.hidden = navigator.onLine;
}
window.addEventListener("online", renderOnline);
window.addEventListener("offline", renderOnline);
renderOnline();

async function registerServiceWorker(): Promise<void> {
  if (!("serviceWorker" in navigator)) return;
  try {
    await navigator.serviceWorker.register("./sw.js", { scope: "./" });
    const reg = await navigator.serviceWorker.ready;
    // Files this page loaded before the service worker took over: cache them too, so that the
    // very first visit is enough to open the demo offline next time.
    const urls = [location.href, ...performance.getEntriesByType("resource").map((e) => e.name)].filter((u) => new URL(u).origin === location.origin);
    reg.active?.postMessage({ type: "precache", urls });
  } catch {
    // No service worker (a private window, or blocked): the demo works, just not offline.
  }
}

renderStatus();
renderEmptyState();
void start();
void registerServiceWorker();
