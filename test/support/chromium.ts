// Where Chromium lives and how it must start on machines with no outside network: the
// background-networking flags stop it from dialing out, and SwiftShader gives it a real (CPU)
// WebGPU adapter so that compute shaders and WebLLM's device checks run for real.
export function chromiumPath(): string {
  return process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
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
