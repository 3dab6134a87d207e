/** The adapter limits that decide which models can run. */
export interface DeviceLimits {
  maxStorageBufferBindingSize: number;
  maxBufferSize: number;
  maxComputeWorkgroupStorageSize: number;
  maxStorageBuffersPerShaderStage: number;
}

/** The browser's storage for downloaded models, from `navigator.storage`. */
export interface StorageInfo {
  /** The origin's quota in bytes, as the browser estimates it. */
  quota_bytes: number;
  /** Bytes the origin uses now. */
  usage_bytes: number;
  /** `quota_bytes - usage_bytes`: what a download may still fill. */
  available_bytes: number;
  /** Whether the browser granted persistent storage (it will not evict the models). */
  persisted: boolean;
}

/** What `probeDevice()` found. Every field is a fact or null. */
export interface DeviceProbe {
  /** `navigator.gpu` exists and an adapter was found. */
  webgpu: boolean;
  /** Why `webgpu` is false, in words an app can show; null when it is true. */
  reason: string | null;
  /** The adapter's identity, from `GPUAdapter.info`; null without one. */
  adapter: { vendor: string; architecture: string; description: string; is_fallback_adapter: boolean } | null;
  /** Every WebGPU feature the adapter offers, e.g. `"shader-f16"`. */
  features: string[];
  /** Whether the adapter offers `shader-f16`, which every q*f16 model needs. */
  shader_f16: boolean;
  limits: DeviceLimits | null;
  /** `navigator.deviceMemory`: GB of RAM, rounded and capped by the browser; null where it has none. */
  device_memory_gb: number | null;
  storage: StorageInfo | null;
}

const LIMITS = ["maxStorageBufferBindingSize", "maxBufferSize", "maxComputeWorkgroupStorageSize", "maxStorageBuffersPerShaderStage"] as const;

/** Settles to null instead of throwing, whatever `work` does. */
const quiet = async <T>(work: () => Promise<T> | T | undefined): Promise<T | null> => {
  try {
    return (await work()) ?? null;
  } catch {
    return null;
  }
};

/**
 * Probes WebGPU, memory and storage, in the page or in a worker, and never throws: a browser
 * without WebGPU gets `{ webgpu: false, reason }`. It asks for a high-performance adapter, as
 * WebLLM does, so the features and limits are the ones a model will get.
 */
export async function probeDevice(): Promise<DeviceProbe> {
  const nav = globalThis.navigator as (Navigator & { deviceMemory?: number }) | undefined;
  const estimate = await quiet(() => nav?.storage?.estimate());
  const persisted = await quiet(() => nav?.storage?.persisted?.());
  const quota = estimate?.quota ?? 0;
  const usage = estimate?.usage ?? 0;
  const out: DeviceProbe = {
    webgpu: false,
    reason: "WebGPU is not available here. Use Chrome or Edge 113+, Safari 26+ or Firefox 141+, on a page served over HTTPS or from localhost; https://webgpureport.org/ shows what this browser offers.",
    adapter: null,
    features: [],
    shader_f16: false,
    limits: null,
    device_memory_gb: nav?.deviceMemory ?? null,
    storage: estimate ? { quota_bytes: quota, usage_bytes: usage, available_bytes: Math.max(0, quota - usage), persisted: persisted === true } : null,
  };
  if (!nav?.gpu) return out;
  const adapter = await quiet(() => nav.gpu.requestAdapter({ powerPreference: "high-performance" }));
  if (!adapter) return { ...out, reason: "WebGPU found no usable GPU adapter: turn on hardware acceleration in the browser's settings, update the GPU driver, or check chrome://gpu." };
  // `isFallbackAdapter` moved from the adapter to `adapter.info` (Chrome 136): read both.
  const info = (adapter.info ?? {}) as Partial<GPUAdapterInfo> & { isFallbackAdapter?: boolean };
  out.webgpu = true;
  out.reason = null;
  out.adapter = {
    vendor: info.vendor ?? "",
    architecture: info.architecture ?? "",
    description: info.description ?? "",
    is_fallback_adapter: !!(info.isFallbackAdapter ?? (adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter),
  };
  out.features = [...adapter.features].sort();
  out.shader_f16 = adapter.features.has("shader-f16");
  out.limits = Object.fromEntries(LIMITS.map((k) => [k, adapter.limits[k]])) as unknown as DeviceLimits;
  return out;
}
