/**
 * The settings panel: the system prompt and every sampling parameter of OpenAI's chat API. The
 * panel holds the values as typed, and `params()` turns exactly those into the request: a filled
 * field is sent as shown, an empty one is left out (so the engine's default applies), and the
 * preview under the fields is the very object `create` receives, minus the messages.
 */
import type { ChatCompletionCreateParamsStreaming, ChatCompletionMessageParam } from "../src/index.js";
import { h, replace } from "./dom.js";

/** The panel's values, as strings as typed (numbers included), plus the JSON switch. */
export interface SettingsValues {
  system: string;
  temperature: string;
  top_p: string;
  max_tokens: string;
  presence_penalty: string;
  frequency_penalty: string;
  seed: string;
  stop: string;
  json: boolean;
}

export const DEFAULTS: SettingsValues = {
  system: "You are a helpful assistant. Answer clearly and concisely, using Markdown where it helps.",
  temperature: "0.7",
  top_p: "1",
  max_tokens: "",
  presence_penalty: "0",
  frequency_penalty: "0",
  seed: "",
  stop: "",
  json: false,
};

const STORAGE_KEY = "pagellm-demo:settings";

type NumberKey = "temperature" | "top_p" | "max_tokens" | "presence_penalty" | "frequency_penalty" | "seed";

interface NumberField {
  key: NumberKey;
  label: string;
  help: string;
  min: number;
  max: number;
  step: number;
  /** Draw a slider beside the number box. */
  slider: boolean;
  placeholder?: string;
  integer?: boolean;
}

const NUMBER_FIELDS: NumberField[] = [
  { key: "temperature", label: "Temperature", help: "0 picks the likeliest token every time; 2 is very random.", min: 0, max: 2, step: 0.05, slider: true },
  { key: "top_p", label: "Top P", help: "Sample only from the most likely tokens whose probabilities add up to this.", min: 0, max: 1, step: 0.01, slider: true },
  { key: "max_tokens", label: "Max tokens", help: "Stop after this many tokens (finish_reason: length). Empty: until the model stops or the context is full.", min: 1, max: 131072, step: 1, slider: false, placeholder: "No limit", integer: true },
  { key: "presence_penalty", label: "Presence penalty", help: "Above 0, pushes the model toward new topics.", min: -2, max: 2, step: 0.1, slider: true },
  { key: "frequency_penalty", label: "Frequency penalty", help: "Above 0, discourages repeating the same words.", min: -2, max: 2, step: 0.1, slider: true },
  { key: "seed", label: "Seed", help: "The same seed and settings give the same reply. Empty: a different reply each time.", min: 0, max: 2 ** 31 - 1, step: 1, slider: false, placeholder: "Random", integer: true },
];

/** Stop sequences as typed: one per line, `\n` and `\t` written as escapes. */
export function parseStop(text: string): string[] {
  return text
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => line.replace(/\\(n|t|\\)/g, (_, c: string) => (c === "n" ? "\n" : c === "t" ? "\t" : "\\")));
}

/** The request for `values`: exactly the fields the panel shows filled in, and nothing else. */
export function buildParams(values: SettingsValues, model: string, messages: ChatCompletionMessageParam[]): ChatCompletionCreateParamsStreaming {
  const params: ChatCompletionCreateParamsStreaming = { model, messages, stream: true, stream_options: { include_usage: true } };
  const num = (key: NumberKey): number | undefined => (values[key].trim() === "" ? undefined : Number(values[key]));
  const temperature = num("temperature");
  const top_p = num("top_p");
  const max_tokens = num("max_tokens");
  const presence_penalty = num("presence_penalty");
  const frequency_penalty = num("frequency_penalty");
  const seed = num("seed");
  if (temperature !== undefined) params.temperature = temperature;
  if (top_p !== undefined) params.top_p = top_p;
  if (max_tokens !== undefined) params.max_tokens = max_tokens;
  if (presence_penalty !== undefined) params.presence_penalty = presence_penalty;
  if (frequency_penalty !== undefined) params.frequency_penalty = frequency_penalty;
  if (seed !== undefined) params.seed = seed;
  const stop = parseStop(values.stop);
  if (stop.length > 0) params.stop = stop;
  if (values.json) params.response_format = { type: "json_object" };
  return params;
}

/** The messages for a conversation: the system prompt, if any, then every turn, resent in full. */
export function buildMessages(system: string, turns: { role: "user" | "assistant"; content: string }[]): ChatCompletionMessageParam[] {
  const messages: ChatCompletionMessageParam[] = [];
  if (system.trim() !== "") messages.push({ role: "system", content: system });
  for (const t of turns) messages.push({ role: t.role, content: t.content });
  return messages;
}

/** The settings panel. */
export class Settings {
  readonly element: HTMLElement;
  private values: SettingsValues;
  private readonly inputs = new Map<keyof SettingsValues, HTMLInputElement | HTMLTextAreaElement>();
  private readonly sliders = new Map<NumberKey, HTMLInputElement>();
  private readonly rows = new Map<string, HTMLElement>();
  private readonly preview: HTMLElement;

  constructor(private readonly onChange: () => void = () => undefined) {
    this.values = load();
    this.preview = h("pre", { class: "request-preview", "data-testid": "request-preview" });
    this.element = h(
      "form",
      { class: "settings", "aria-label": "Generation settings", onsubmit: (e: Event) => e.preventDefault() },
      this.textRow("system", "System prompt", "Sent first in every request. Leave empty for none.", 4),
      NUMBER_FIELDS.map((f) => this.numberRow(f)),
      this.textRow("stop", "Stop sequences", "One per line, up to 4. Write \\n for a newline. The reply ends before the first match.", 2),
      this.switchRow(),
      h(
        "div",
        { class: "settings-actions" },
        h("button", { type: "button", class: "btn btn-ghost", "data-testid": "reset-settings", onclick: () => this.reset() }, "Reset to defaults"),
      ),
      h("div", { class: "preview-block" }, h("div", { class: "field-label" }, "Sent to ", h("code", null, "create"), " with each message"), this.preview),
    );
    this.refreshPreview();
  }

  /** The values as they stand. */
  get current(): SettingsValues {
    return { ...this.values };
  }

  /** Sets values (a test, or a restored session) and redraws the fields. */
  set(values: Partial<SettingsValues>): void {
    this.values = { ...this.values, ...values };
    for (const [key, input] of this.inputs) {
      const v = this.values[key];
      if (input instanceof HTMLInputElement && input.type === "checkbox") input.checked = Boolean(v);
      else input.value = String(v);
    }
    for (const [key, slider] of this.sliders) slider.value = this.values[key] || slider.min;
    this.changed();
  }

  /** Marks the field a `BadRequestError` named, so the person sees what to fix. */
  flag(param: string | null): boolean {
    const key = param?.split(/[.[]/)[0] ?? "";
    const row = this.rows.get(key === "response_format" ? "json" : key);
    if (!row) return false;
    row.classList.add("invalid");
    row.scrollIntoView({ block: "nearest" });
    (row.querySelector("input, textarea") as HTMLElement | null)?.focus();
    return true;
  }

  /** The request parameters for a conversation, exactly as the panel shows them. */
  params(model: string, messages: ChatCompletionMessageParam[]): ChatCompletionCreateParamsStreaming {
    return buildParams(this.values, model, messages);
  }

  private reset(): void {
    this.set(DEFAULTS);
  }

  private changed(): void {
    for (const row of this.rows.values()) row.classList.remove("invalid");
    save(this.values);
    this.refreshPreview();
    this.onChange();
  }

  private refreshPreview(): void {
    const { model: _model, messages: _messages, ...rest } = buildParams(this.values, "", []);
    replace(this.preview, JSON.stringify(rest, null, 2));
  }

  private textRow(key: "system" | "stop", label: string, help: string, rows: number): HTMLElement {
    const id = `setting-${key}`;
    const input = h("textarea", {
      id,
      name: key,
      rows,
      value: this.values[key],
      spellcheck: key === "system" ? "true" : "false",
      "aria-describedby": `${id}-help`,
      oninput: () => {
        this.values[key] = input.value;
        this.changed();
      },
    });
    this.inputs.set(key, input);
    const row = h("div", { class: "field" }, h("label", { class: "field-label", for: id }, label), input, h("p", { class: "field-help", id: `${id}-help` }, help));
    this.rows.set(key, row);
    return row;
  }

  private numberRow(f: NumberField): HTMLElement {
    const id = `setting-${f.key}`;
    const input = h("input", {
      id,
      name: f.key,
      type: "number",
      inputmode: f.integer ? "numeric" : "decimal",
      min: f.min,
      max: f.max,
      step: f.step,
      placeholder: f.placeholder ?? "",
      value: this.values[f.key],
      "aria-describedby": `${id}-help`,
      oninput: () => {
        this.values[f.key] = input.value;
        if (slider && input.value !== "") slider.value = input.value;
        this.changed();
      },
    });
    this.inputs.set(f.key, input);
    let slider: HTMLInputElement | null = null;
    if (f.slider) {
      slider = h("input", {
        type: "range",
        min: f.min,
        max: f.max,
        step: f.step,
        value: this.values[f.key] || String(f.min),
        tabindex: "-1",
        "aria-hidden": "true",
        oninput: () => {
          input.value = slider?.value ?? "";
          this.values[f.key] = input.value;
          this.changed();
        },
      });
      this.sliders.set(f.key, slider);
    }
    const row = h(
      "div",
      { class: "field" },
      h("div", { class: "field-head" }, h("label", { class: "field-label", for: id }, f.label, " ", h("code", null, f.key)), input),
      slider,
      h("p", { class: "field-help", id: `${id}-help` }, help(f)),
    );
    this.rows.set(f.key, row);
    return row;
  }

  private switchRow(): HTMLElement {
    const input = h("input", {
      id: "setting-json",
      type: "checkbox",
      role: "switch",
      checked: this.values.json,
      onchange: () => {
        this.values.json = input.checked;
        this.changed();
      },
    });
    this.inputs.set("json", input);
    const row = h(
      "div",
      { class: "field field-switch" },
      h("label", { class: "switch", for: "setting-json" }, input, h("span", { class: "switch-track", "aria-hidden": "true" }), h("span", null, "JSON mode ", h("code", null, "response_format: json_object"))),
      h("p", { class: "field-help" }, "The reply is a single JSON object. Ask for JSON in your message too."),
    );
    this.rows.set("json", row);
    return row;
  }
}

function help(f: NumberField): string {
  if (f.key === "max_tokens") return f.help;
  return `${f.help} Range ${f.min}–${f.key === "seed" ? "2³¹−1" : f.max}.`;
}

function load(): SettingsValues {
  try {
    const saved = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? "null") as Partial<SettingsValues> | null;
    return { ...DEFAULTS, ...(saved ?? {}) };
  } catch {
    return { ...DEFAULTS };
  }
}

function save(values: SettingsValues): void {
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(values));
  } catch {
    // Storage full or blocked: settings just will not survive a reload.
  }
}
