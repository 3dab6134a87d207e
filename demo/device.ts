/**
 * What this browser's GPU can do, read once on the page with the library's `probeDevice()`:
 * the picker judges every model before anything is downloaded, so a model that cannot run says
 * so up front, not after a gigabyte of weights. Only presentation lives here.
 */
import type { DeviceProbe } from "../src/index.js";

export { probeDevice } from "../src/index.js";
export type { DeviceProbe as DeviceInfo } from "../src/index.js";

/** "vendor architecture", for the device line; empty where the browser hides it. */
export function deviceName(d: DeviceProbe): string {
  return [d.adapter?.vendor, d.adapter?.architecture].filter(Boolean).join(" ");
}

/** A software (CPU) adapter such as SwiftShader: models run, but slowly. */
export function isSoftware(d: DeviceProbe): boolean {
  return d.adapter?.is_fallback_adapter === true;
}

/** Bytes as "1.2 GB" / "640 MB". */
export function formatBytes(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  return mb >= 1000 ? `${(mb / 1024).toFixed(mb >= 10240 ? 0 : 1)} GB` : `${mb >= 100 ? Math.round(mb) : mb.toFixed(1)} MB`;
}
