/**
 * What this browser's GPU can do, read once on the page. The page asks for its own adapter
 * (the worker asks again when it loads a model) because the picker must judge every model
 * before anything is downloaded: a model that cannot run should say so up front, not after a
 * gigabyte of weights.
 */

/** The facts the picker judges models by. */
export interface DeviceInfo {
  /** `navigator.gpu` exists. */
  webgpu: boolean;
  /** A secure context (https, localhost, 127.0.0.1): WebGPU needs one. */
  secure: boolean;
  /** `requestAdapter()` returned an adapter. */
  adapter: boolean;
  /** The adapter offers `shader-f16`, which every q*f16 model needs. */
  f16: boolean;
  maxBufferSize: number;
  maxStorageBufferBindingSize: number;
  /** A software (CPU) adapter such as SwiftShader: models run, but slowly. */
  fallback: boolean;
  /** "vendor architecture", for the device line; empty where the browser hides it. */
  name: string;
  /**
   * A rough GPU memory budget in MB, or null where the browser gives no hint. Browsers do not
   * expose GPU memory, so this is `navigator.deviceMemory` (RAM in GB, capped at 8 by Chrome)
   * times 3/4: right for integrated GPUs that share system memory, cautious for discrete ones.
   */
  memoryBudgetMb: number | null;
}

/** WebLLM asks for 1 GiB storage-buffer bindings and falls back to 128 MiB; below that it fails. */
export const FULL_BINDING = 1 << 30;
export const MIN_BINDING = 1 << 27;
/** WebLLM asks for 1 GiB buffers and falls back to 256 MiB; below that it fails. */
export const MIN_BUFFER = 1 << 28;

/** Probes WebGPU on the page. Never throws: a missing piece is a fact to report, not an error. */
export async function probeDevice(): Promise<DeviceInfo> {
  const nav = navigator as Navigator & { deviceMemory?: number };
  const info: DeviceInfo = {
    webgpu: "gpu" in navigator && !!navigator.gpu,
    secure: globalThis.isSecureContext !== false,
    adapter: false,
    f16: false,
    maxBufferSize: 0,
    maxStorageBufferBindingSize: 0,
    fallback: false,
    name: "",
    memoryBudgetMb: typeof nav.deviceMemory === "number" ? Math.round(nav.deviceMemory * 1024 * 0.75) : null,
  };
  if (!info.webgpu) return info;
  // The same preference WebLLM uses, so that the features we read are the ones it will get.
  const adapter = await navigator.gpu.requestAdapter({ powerPreference: "high-performance" }).catch(() => null);
  if (!adapter) return info;
  const details = (adapter as GPUAdapter & { info?: GPUAdapterInfo & { isFallbackAdapter?: boolean } }).info;
  info.adapter = true;
  info.f16 = adapter.features.has("shader-f16");
  info.maxBufferSize = adapter.limits.maxBufferSize;
  info.maxStorageBufferBindingSize = adapter.limits.maxStorageBufferBindingSize;
  info.fallback = Boolean(details?.isFallbackAdapter ?? (adapter as GPUAdapter & { isFallbackAdapter?: boolean }).isFallbackAdapter);
  info.name = [details?.vendor, details?.architecture].filter(Boolean).join(" ");
  return info;
}

/** Whether WebLLM can start on this adapter at all, whatever the model. */
export function deviceUsable(d: DeviceInfo): boolean {
  return d.adapter && d.maxStorageBufferBindingSize >= MIN_BINDING && d.maxBufferSize >= MIN_BUFFER;
}

/** Bytes as "1.2 GB" / "640 MB". */
export function formatBytes(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  return mb >= 1000 ? `${(mb / 1024).toFixed(mb >= 10240 ? 0 : 1)} GB` : `${mb >= 100 ? Math.round(mb) : mb.toFixed(1)} MB`;
}
