// Where Chromium lives and how it must start on machines with no outside network: the
// background-networking flags stop it from dialing out, and SwiftShader gives it a real (CPU)
// WebGPU adapter so that compute shaders and WebLLM's device checks run for real.
import { chromiumPath as resolveChromium } from "../../scripts/chromium-path.mjs";

/**
 * The Chromium executable that vitest's browser provider, the e2e tests and the benchmarks
 * launch: CHROMIUM_PATH, then PAGELLM_CHROME, then /usr/bin/chromium, then a chromium,
 * chromium-browser, google-chrome or google-chrome-stable on PATH. The search itself lives in
 * scripts/chromium-path.mjs, so that scripts/ensure-chromium.mjs (run by `npm test` first)
 * checks for, or installs, exactly this browser.
 */
export function chromiumPath(): string {
  return resolveChromium();
}

export const chromiumArgs = [
  "--no-sandbox",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--enable-unsafe-webgpu",
  "--use-webgpu-adapter=swiftshader",
];
