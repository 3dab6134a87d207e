import { APIError, APIUserAbortError, BadRequestError, ContextLengthExceededError, EngineUnavailableError, InternalServerError, ModelLoadError, NotFoundError } from "../../errors/classes.js";
import { modelNotFound } from "../../errors/not-found.js";
import { ERROR_MESSAGES, ERROR_NAMES, REQUEST_ERROR_NAMES, WEBLLM_VERSION } from "./internals.js";

/**
 * Maps what WebLLM throws to pagellm's error classes. WebLLM exports only `IntegrityError`, so
 * its other classes are matched on `err.name` (the names are in internals.ts); a few failures are not
 * WebLLM classes at all (a bare `TypeError` from Cache Storage, a `WebAssembly.CompileError`, a
 * plain `Error` when no adapter exists) and are matched on their message.
 */

/** What the caller knows when a WebLLM call fails. */
export interface ErrorContext {
  /** The model being loaded or run. */
  model?: string;
  /** An f32 variant of `model`, for the shader-f16 message. */
  f32Alternative?: string | null;
  /** The model library URL, for WebAssembly compile errors. */
  modelLib?: string;
  /** Whether pagellm believes `model` is loaded (so WebLLM unloaded it by itself). */
  loaded?: boolean;
  /** The request field whose schema WebLLM compiled into a grammar, when the app wrote it; see `schemaParam`. */
  grammarParam?: string | null;
}

/** Error codes of `EngineUnavailableError` that this backend uses. */
export const UNAVAILABLE = {
  webgpu: "webgpu_unavailable",
  f16: "shader_f16_unsupported",
  feature: "feature_unsupported",
  deviceLost: "device_lost",
  csp: "csp_blocks_webassembly",
} as const;

/**
 * Whether `err` is the browser refusing to compile WebAssembly because of the page's (or the
 * worker's) Content-Security-Policy. Chromium throws a `CompileError` whose message names the
 * policy; Firefox and Safari word it differently, but each names the policy or the keyword.
 */
export function isCspBlock(err: unknown): boolean {
  const message = (err as { message?: unknown } | null)?.message;
  return typeof message === "string" && /Content[ -]Security[ -]Policy|blocked by CSP|wasm-unsafe-eval/i.test(message);
}

/** The message for a policy that forbids WebAssembly. */
export function cspMessage(): string {
  return (
    "This page's Content-Security-Policy does not allow WebAssembly, which WebLLM needs to compile its model library and " +
    "tokenizer. Add 'wasm-unsafe-eval' to script-src (it allows WebAssembly only, not eval), for example " +
    "script-src 'self' 'wasm-unsafe-eval', and send the same policy with the worker script."
  );
}

/** The message for a browser or worker without `navigator.gpu`. */
export function noWebGPUMessage(): string {
  const insecure = (globalThis as { isSecureContext?: boolean }).isSecureContext === false;
  return (
    "WebGPU is not available here, and pagellm needs it to run models on the GPU. " +
    (insecure ? "This page is not a secure context: serve it over HTTPS or from http://localhost. " : "") +
    "Use a browser with WebGPU: Chrome or Edge 113+ on desktop, Chrome 121+ on Android, Safari 26+, " +
    "or Firefox 141+ on Windows. On Linux, or where it is turned off, enable chrome://flags/#enable-unsafe-webgpu " +
    "(and #enable-vulkan) and make sure hardware acceleration is on. https://webgpureport.org/ shows what your browser offers."
  );
}

/** The message for a browser that has WebGPU but no usable adapter. */
export function noAdapterMessage(): string {
  return (
    "WebGPU is present but found no usable GPU adapter. The GPU may be blocklisted, its driver too old, " +
    'or hardware acceleration turned off. Turn on "Use graphics acceleration when available" in the browser\'s ' +
    "settings, update the GPU driver, or enable chrome://flags/#enable-unsafe-webgpu; check chrome://gpu and " +
    "https://webgpureport.org/."
  );
}

/** The message for an f16 model on a GPU without `shader-f16`. */
export function shaderF16Message(model: string | undefined, alternative: string | null | undefined): string {
  const what = model ? `Model "${model}"` : "This model";
  const fix = alternative
    ? `Load its f32 variant "${alternative}" instead.`
    : "Pick a q4f32_1 or q0f32 variant of the model instead.";
  return `${what} needs the WebGPU feature "shader-f16", which this GPU and browser do not offer. ${fix}`;
}

/** A failed download, named by URL and HTTP status (0 when the request never got an answer). */
export function downloadError(what: string, url: string, status: number, statusText = ""): ModelLoadError {
  const detail =
    status === 0
      ? "the request failed without an HTTP answer: the browser is offline, the host is unreachable, or it does not allow cross-origin requests (CORS)"
      : `HTTP ${status}${statusText ? ` ${statusText}` : ""}`;
  return new ModelLoadError(`Could not download ${what} from ${url}: ${detail}.`, url, status);
}

const FETCH_FAILURE = /Failed to fetch|Request failed|NetworkError|Load failed|network error/i;
const REQUEST_ERRORS: ReadonlySet<string> = new Set(REQUEST_ERROR_NAMES);

/** Whether `err` is a download that failed inside WebLLM or Cache Storage. */
export function isFetchFailure(err: unknown): boolean {
  return err instanceof Error && err.name === "TypeError" && FETCH_FAILURE.test(err.message);
}

/**
 * The GPU device was lost: in a load, most often for lack of GPU memory; between or during
 * requests, also a driver reset, a GPU process crash, or the browser reclaiming the GPU.
 * `detail` is the browser's own reason, where known.
 */
export const deviceLost = (detail?: string): EngineUnavailableError =>
  new EngineUnavailableError(
    `The GPU device was lost${detail ? ` (${detail})` : ""}, most often because the model ran out of GPU memory, or the GPU was reset; ` +
      "WebLLM unloads the model then. The next request loads it again from the browser's storage. If it happens again, load a " +
      "smaller model (fewer parameters, a q4 quantization, or a -1k context variant) and close other GPU-heavy tabs.",
    UNAVAILABLE.deviceLost,
  );

/**
 * Whether `err` names a lost device. Most work on a lost device fails silently; what throws says
 * so in Chromium ("The Device was lost before mapping was resolved", "[Device] is lost",
 * "Instance dropped"), and WebLLM logs "Device was lost".
 */
export function isLostDeviceError(err: unknown): boolean {
  const message = (err as { message?: unknown } | null)?.message;
  return typeof message === "string" && /device (?:is |was )?lost|\] is lost|instance dropped|destroyed device/i.test(message);
}

/** Turns anything WebLLM throws into one of pagellm's error classes. */
export function fromWebLLMError(err: unknown, ctx: ErrorContext = {}): APIError {
  if (err instanceof APIError) return err;
  if (!(err instanceof Error)) {
    // WebLLM's worker protocol sends strings; MLCEngine itself should not, but never let one through.
    return new InternalServerError(`WebLLM failed: ${String(err)}`);
  }
  const { name, message } = err;
  // Before the CompileError case: the library is fine, the policy is not.
  if (isCspBlock(err)) return new EngineUnavailableError(cspMessage(), UNAVAILABLE.csp);
  switch (name) {
    case ERROR_NAMES.webgpuUnavailable:
    case ERROR_NAMES.webgpuNotFound:
      return new EngineUnavailableError(noWebGPUMessage(), UNAVAILABLE.webgpu);
    case ERROR_NAMES.shaderF16:
      return new EngineUnavailableError(shaderF16Message(ctx.model, ctx.f32Alternative), UNAVAILABLE.f16);
    case ERROR_NAMES.feature:
      return /shader-f16/.test(message)
        ? new EngineUnavailableError(shaderF16Message(ctx.model, ctx.f32Alternative), UNAVAILABLE.f16)
        : new EngineUnavailableError(`${message} Try another browser or GPU, or another model.`, UNAVAILABLE.feature);
    case ERROR_NAMES.deviceLost:
      return deviceLost();
    case ERROR_NAMES.modelNotLoaded:
      if (ctx.loaded) return deviceLost();
      break;
    case ERROR_NAMES.contextWindow:
      return new ContextLengthExceededError(message.split("\n")[0] ?? message);
    case ERROR_NAMES.modelNotFound:
      return ctx.model ? modelNotFound(ctx.model) : new NotFoundError(message);
    case ERROR_NAMES.integrity: {
      const url = (err as { url?: unknown }).url;
      return new ModelLoadError(message.split("\n")[0] ?? message, typeof url === "string" ? url : null, null);
    }
    case ERROR_NAMES.grammarInit: {
      // xgrammar's own words, without the C++ source path it puts first ("[FATAL] /…/x.cc:961: ").
      const cause = (err as { cause?: unknown }).cause;
      const why = (cause instanceof Error ? cause.message : String(cause ?? message)).replace(/^\[FATAL\][^:]*:\d+:\s*/, "");
      return ctx.grammarParam
        ? new BadRequestError(`The grammar engine cannot compile the schema in '${ctx.grammarParam}': ${why}`, ctx.grammarParam)
        : new InternalServerError(`The grammar engine could not compile pagellm's own grammar for this request: ${why}`);
    }
    case "AbortError":
      return new APIUserAbortError();
    case "CompileError":
    case "LinkError":
      return new ModelLoadError(
        `The model library${ctx.modelLib ? ` at ${ctx.modelLib}` : ""} is not a WebAssembly module that this version of ` +
          `WebLLM (${WEBLLM_VERSION}) can run: ${message}. Check that model_lib points at a library built for it.`,
        ctx.modelLib ?? null,
        null,
      );
  }
  if (isLostDeviceError(err)) return deviceLost();
  if (message.includes(ERROR_MESSAGES.noAdapter)) return new EngineUnavailableError(noAdapterMessage(), UNAVAILABLE.webgpu);
  if (message.includes(ERROR_MESSAGES.limits)) {
    return new EngineUnavailableError(`This GPU's WebGPU limits are too small for WebLLM: ${message}`, UNAVAILABLE.webgpu);
  }
  if (isFetchFailure(err)) {
    return new ModelLoadError(
      `A download failed while loading${ctx.model ? ` "${ctx.model}"` : " the model"} (${name}: ${message}). ` +
        "The browser may be offline, or a file of the model may be missing on its host.",
    );
  }
  if (REQUEST_ERRORS.has(name) || (name === ERROR_NAMES.range && message.startsWith(ERROR_MESSAGES.range))) {
    return new BadRequestError(message, name.includes("Message") || name.includes("Content") ? "messages" : null);
  }
  return new InternalServerError(`${name}: ${message}`);
}
