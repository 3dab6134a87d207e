/**
 * Errors a person can act on. Each pagellm error class (and each `code` of
 * `EngineUnavailableError`) maps to a title, what to do, and buttons that do it. The raw message
 * stays available under "Details" for whoever files the bug.
 */
import {
  APIError,
  BadRequestError,
  ContextLengthExceededError,
  EngineUnavailableError,
  ModelLoadError,
  NotFoundError,
} from "../src/index.js";
import type { DeviceInfo } from "./device.js";
import { h, icon, type Child } from "./dom.js";

/** A button on an error card. */
export interface Action {
  label: string;
  run: () => void;
  primary?: boolean;
  testid?: string;
}

/** An error, ready to show. */
export interface Problem {
  /** Short and stable, for styling and tests. */
  kind: "webgpu" | "f16" | "fit" | "memory" | "download" | "context" | "request" | "not-found" | "crashed" | "other";
  title: string;
  body: Child[];
  actions: Action[];
  /** The technical message, behind a disclosure. */
  detail?: string;
}

/** What the error cards can offer to do. */
export interface Remedies {
  retry?: () => void;
  loadModel?: (id: string) => void;
  openPicker?: () => void;
  newChat?: () => void;
  flagParam?: (param: string | null) => boolean;
  restart?: () => void;
  /** An f32 variant of the failed model, where the catalog has one. */
  f32Alternative?: string | null;
}

/** The browser and OS, for advice that names the right menus. */
export interface BrowserId {
  name: "chrome" | "edge" | "firefox" | "safari" | "samsung" | "other";
  version: number | null;
  os: "windows" | "mac" | "linux" | "chromeos" | "android" | "ios" | "other";
}

/** Reads the browser from the user agent. Only used to word advice, never to gate features. */
export function detectBrowser(ua: string = navigator.userAgent): BrowserId {
  const os: BrowserId["os"] = /Android/i.test(ua)
    ? "android"
    : /iPhone|iPad|iPod/i.test(ua)
      ? "ios"
      : /CrOS/i.test(ua)
        ? "chromeos"
        : /Windows/i.test(ua)
          ? "windows"
          : /Mac OS X|Macintosh/i.test(ua)
            ? "mac"
            : /Linux/i.test(ua)
              ? "linux"
              : "other";
  const version = (re: RegExp): number | null => {
    const m = re.exec(ua);
    return m?.[1] ? Number(m[1]) : null;
  };
  if (/SamsungBrowser/i.test(ua)) return { name: "samsung", version: version(/SamsungBrowser\/(\d+)/), os };
  if (/Edg\//.test(ua)) return { name: "edge", version: version(/Edg\/(\d+)/), os };
  if (/Firefox\/|FxiOS/.test(ua)) return { name: "firefox", version: version(/(?:Firefox|FxiOS)\/(\d+)/), os };
  if (/Chrome\/|CriOS/.test(ua)) return { name: "chrome", version: version(/(?:Chrome|CriOS)\/(\d+)/), os };
  if (/Safari\//.test(ua)) return { name: "safari", version: version(/Version\/(\d+)/), os };
  return { name: "other", version: null, os };
}

const link = (href: string, text: string): HTMLAnchorElement => h("a", { href, target: "_blank", rel: "noopener noreferrer" }, text);
const code = (text: string): HTMLElement => h("code", null, text);

/** What to do in this browser to get WebGPU. */
export function webgpuAdvice(b: BrowserId): Child[] {
  const chromium = b.name === "chrome" || b.name === "edge";
  const scheme = b.name === "edge" ? "edge" : "chrome";
  if (chromium && (b.os === "android" || b.os === "ios")) {
    return b.os === "android"
      ? [h("li", null, "Update Chrome: WebGPU is on from Chrome 121, on Android 12 or later with a Qualcomm or ARM GPU.")]
      : [h("li", null, "On iPhone and iPad every browser uses Safari's engine: update to iOS 26, which turns WebGPU on.")];
  }
  if (chromium) {
    const items: Child[] = [];
    if (b.version !== null && b.version < 113) items.push(h("li", null, `Update ${b.name === "edge" ? "Edge" : "Chrome"}: WebGPU ships from version 113.`));
    if (b.os === "linux") {
      items.push(h("li", null, "On Linux, WebGPU is still behind a flag: open ", code(`${scheme}://flags/#enable-unsafe-webgpu`), " and ", code(`${scheme}://flags/#enable-vulkan`), ", set both to Enabled, and relaunch."));
    }
    items.push(
      h("li", null, "Turn on hardware acceleration: ", code(`${scheme}://settings/system`), " → “Use graphics acceleration when available”, then relaunch."),
      h("li", null, "Check ", code(`${scheme}://gpu`), ": “WebGPU: Hardware accelerated” means it works. If your GPU is blocklisted, updating its driver often helps."),
    );
    return items;
  }
  if (b.name === "firefox") {
    return [
      h("li", null, "Firefox has WebGPU on Windows from version 141. On macOS, Linux and Android it is not on by default yet."),
      h("li", null, "Use Chrome, Edge or Safari 26 instead, or try Firefox Nightly with ", code("dom.webgpu.enabled"), " set to true in ", code("about:config"), "."),
    ];
  }
  if (b.name === "safari") {
    return [
      h("li", null, "Update to Safari 26 (macOS 26, iOS and iPadOS 26), which has WebGPU on by default."),
      b.os === "ios"
        ? h("li", null, "On iOS 18, turn it on in the Settings app: Apps → Safari → Advanced → Feature Flags → WebGPU.")
        : h("li", null, "On Safari 18, turn it on: Settings → Advanced → “Show features for web developers”, then Develop → Feature Flags → WebGPU."),
    ];
  }
  if (b.name === "samsung") return [h("li", null, "Use Chrome 121 or later on this phone: Samsung Internet does not offer WebGPU yet.")];
  return [h("li", null, "Use a recent Chrome or Edge (113+), Safari 26, or Firefox 141+ on Windows.")];
}

/** The card for a browser without WebGPU, or without a usable adapter. */
export function noWebGPU(device: DeviceInfo, browser: BrowserId = detectBrowser()): Problem {
  const body: Child[] = [];
  // `probeDevice` reports no adapter either way; whether `navigator.gpu` exists tells the two apart.
  const present = !device.webgpu && typeof navigator !== "undefined" && !!navigator.gpu;
  if (globalThis.isSecureContext === false) {
    body.push(h("p", null, "This page is not a secure context, and browsers offer WebGPU only to secure pages. Open it over ", code("https://"), " or at ", code("http://localhost"), "."));
  } else if (present) {
    body.push(h("p", null, "WebGPU is present, but it found no GPU it can use: hardware acceleration may be off, the GPU may be blocklisted, or its driver may be too old."));
  } else {
    body.push(h("p", null, "pagellm runs the model on your GPU through WebGPU, and this browser does not offer it. Nothing was downloaded."));
  }
  body.push(h("ul", { class: "advice" }, webgpuAdvice(browser)));
  body.push(h("p", { class: "muted" }, "See what your browser offers at ", link("https://webgpureport.org/", "webgpureport.org"), "."));
  return {
    kind: "webgpu",
    title: present ? "No usable GPU found" : "This browser has no WebGPU",
    body,
    actions: [{ label: "Check again", run: () => location.reload(), primary: true, testid: "recheck" }],
  };
}

/** The card shown before loading a model that cannot run here. */
export function needsF16(model: string, alternative: string | null, remedies: Remedies): Problem {
  return {
    kind: "f16",
    title: "This GPU cannot run f16 models",
    body: [
      h("p", null, code(model), " uses 16-bit float shaders (", code("shader-f16"), "), which this GPU and browser do not offer."),
      h("p", null, alternative ? ["Its f32 variant ", code(alternative), " runs here: it is a little larger and slower, and answers the same way."] : "Pick a model marked q4f32 or q0f32 instead."),
    ],
    actions: [
      ...(alternative && remedies.loadModel ? [{ label: `Use ${alternative}`, run: () => remedies.loadModel?.(alternative), primary: true, testid: "use-f32" }] : []),
      ...(remedies.openPicker ? [{ label: "Choose another model", run: () => remedies.openPicker?.() }] : []),
    ],
  };
}

/** The last path segment of a URL: the file a person can look for. */
function fileName(url: string): string {
  try {
    return decodeURIComponent(new URL(url).pathname.split("/").filter(Boolean).pop() ?? url);
  } catch {
    return url;
  }
}

/** Turns any error from pagellm into a card. */
export function describeError(err: unknown, remedies: Remedies): Problem {
  const detail = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  const pick = remedies.openPicker ? [{ label: "Choose another model", run: () => remedies.openPicker?.() }] : [];
  if (err instanceof ModelLoadError) {
    const offline = navigator.onLine === false;
    const status = err.httpStatus;
    const what =
      status === null
        ? "the download failed"
        : status === 0
          ? "the request got no answer (offline, the host is unreachable, or it blocks cross-origin requests)"
          : `the server answered HTTP ${status}`;
    return {
      kind: "download",
      title: err.url ? `Download failed: ${fileName(err.url)}` : "Download failed",
      body: [
        h("p", null, err.url ? ["While fetching ", code(fileName(err.url)), ", ", what, "."] : err.message),
        err.url ? h("p", { class: "url" }, code(err.url)) : null,
        h("p", null, offline ? "This browser is offline. Reconnect, then retry: files already downloaded are kept, so it resumes where it stopped." : "Retry: files already downloaded are kept in the browser's cache, so the download picks up where it stopped."),
      ],
      actions: [...(remedies.retry ? [{ label: "Retry download", run: () => remedies.retry?.(), primary: true, testid: "retry" }] : []), ...pick],
      detail,
    };
  }
  if (err instanceof ContextLengthExceededError) {
    return {
      kind: "context",
      title: "The conversation no longer fits the model",
      body: [h("p", null, "The messages plus max_tokens are longer than this model's context window. Start a new chat, lower max_tokens, or pick a model with a larger window.")],
      actions: [
        ...(remedies.newChat ? [{ label: "New chat", run: () => remedies.newChat?.(), primary: true }] : []),
        ...(remedies.flagParam ? [{ label: "Lower max_tokens", run: () => void remedies.flagParam?.("max_tokens") }] : []),
      ],
      detail,
    };
  }
  if (err instanceof BadRequestError) {
    const flagged = remedies.flagParam?.(err.param) ?? false;
    return {
      kind: "request",
      title: err.param ? `Invalid setting: ${err.param}` : "The request was rejected",
      body: [h("p", null, err.message), flagged ? h("p", { class: "muted" }, "The field is marked in Settings.") : null],
      actions: [],
      detail,
    };
  }
  if (err instanceof NotFoundError) {
    return { kind: "not-found", title: "Model not found", body: [h("p", null, err.message)], actions: pick, detail };
  }
  if (err instanceof EngineUnavailableError) {
    switch (err.code) {
      case "shader_f16_unsupported":
        return { ...needsF16(/"([^"]+)"/.exec(err.message)?.[1] ?? "This model", remedies.f32Alternative ?? null, remedies), detail };
      case "device_lost":
        return {
          kind: "memory",
          title: "The GPU ran out of memory",
          body: [h("p", null, "The model did not fit in GPU memory, and the browser reset the GPU. Pick a smaller model (fewer parameters, q4, or a -1k variant), close other GPU-heavy tabs, and try again.")],
          actions: [...pick, ...(remedies.restart ? [{ label: "Restart engine", run: () => remedies.restart?.() }] : [])],
          detail,
        };
      case "worker_crashed":
      case "engine_closed":
        return {
          kind: "crashed",
          title: "The engine stopped",
          body: [h("p", null, "The worker that runs the model stopped. Restart it; your conversation is kept.")],
          actions: remedies.restart ? [{ label: "Restart engine", run: () => remedies.restart?.(), primary: true, testid: "restart" }] : [],
          detail,
        };
      default:
        return { kind: "fit", title: "This model cannot run here", body: [h("p", null, err.message)], actions: pick, detail };
    }
  }
  return {
    kind: "other",
    title: "Something went wrong",
    body: [h("p", null, err instanceof APIError ? err.message : "An unexpected error stopped the request.")],
    actions: [
      ...(remedies.retry ? [{ label: "Try again", run: () => remedies.retry?.(), primary: true }] : []),
      { label: "Reload the page", run: () => location.reload() },
    ],
    detail,
  };
}

/** Draws a problem as a card. */
export function renderProblem(p: Problem, onDismiss?: () => void): HTMLElement {
  return h(
    "section",
    { class: `problem problem-${p.kind}`, role: "alert", "data-testid": "problem", "data-kind": p.kind },
    h(
      "div",
      { class: "problem-head" },
      icon(p.kind === "download" ? "wifiOff" : "alert"),
      h("h2", null, p.title),
      onDismiss ? h("button", { type: "button", class: "icon-btn", "aria-label": "Dismiss", onclick: onDismiss }, icon("x")) : null,
    ),
    h("div", { class: "problem-body" }, p.body),
    p.actions.length
      ? h(
          "div",
          { class: "problem-actions" },
          p.actions.map((a) => h("button", { type: "button", class: a.primary ? "btn btn-primary" : "btn", "data-testid": a.testid, onclick: a.run }, a.label)),
        )
      : null,
    p.detail ? h("details", { class: "problem-detail" }, h("summary", null, "Details"), h("pre", null, p.detail)) : null,
  );
}
