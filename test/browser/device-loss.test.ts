// A lost GPU device, for real: a real GPUDevice from Chromium's SwiftShader adapter is destroyed
// under the engine (`device.destroy()` takes the same `lost` path as a driver reset), in the
// worker that owns it, while a request runs on it and between requests. The backend is
// fixtures/gpu-loss-worker.ts: real GPU work per token, and the WebLLM backend's own loss
// handling. The WebLLM pipeline's part (reaching its device through internals.ts's DEVICE_PATH,
// WebLLM's own unload on loss) needs a model library, so it runs in `npm run test:webllm`
// (test/webllm/device-loss.test.ts).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEngine, EngineUnavailableError, type Engine, type EngineStatus } from "../../src/index.js";
import { deviceLost } from "../../src/backends/webllm/errors.js";
import { isLostDeviceError } from "../../src/backends/webllm/device-loss.js";

let engine: Engine;
const statuses: EngineStatus[] = [];
beforeAll(async () => {
  engine = await createEngine({ worker: new Worker(new URL("./fixtures/gpu-loss-worker.ts", import.meta.url), { type: "module" }) });
  engine.addEventListener("status", (e) => statuses.push(e.status));
});
afterAll(() => engine?.close());

const ask = (content: string) => engine.chat.completions.create({ model: "gpu-1", messages: [{ role: "user", content }], max_tokens: 8 });
const until = async (check: () => boolean, ms = 5000): Promise<void> => {
  for (const t0 = performance.now(); !check(); ) {
    if (performance.now() - t0 > ms) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe("device loss on a real SwiftShader GPUDevice", () => {
  it("a device destroyed mid-reply fails that request with device_lost, says so in the status, and the next request loads again on a new device", async () => {
    expect((await ask("hello")).choices[0]?.message.content).toMatch(/^load #1:/);
    const stream = await engine.chat.completions.create({ model: "gpu-1", messages: [{ role: "user", content: "destroy mid-reply" }], stream: true });
    let chunks = 0;
    const err = await (async () => {
      try {
        for await (const _ of stream) chunks++;
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(chunks).toBeGreaterThan(0); // it was running when the device went
    expect(err).toBeInstanceOf(EngineUnavailableError);
    expect(err).toMatchObject({ status: 503, code: "device_lost" });
    expect((err as Error).message).toMatch(/reason "destroyed": Device was destroyed\..*The next request loads it again/);
    expect(statuses).toContainEqual(expect.objectContaining({ state: "lost", code: "device_lost" }));
    expect((await engine.stats()).loaded).toBeNull();

    const next = await ask("hello again");
    expect(next.choices[0]?.message.content).toMatch(/^load #2:/);
    expect(statuses.at(-1)).toEqual({ state: "ready", model: "gpu-1" });
  });

  it("a device lost between requests: the engine forgets the model at once, every page hears it, and the next request loads again", async () => {
    expect((await ask("destroy after reply")).choices[0]?.message.content).toMatch(/^load #2:/);
    const seen = statuses.length;
    await until(() => statuses.slice(seen).some((s) => s.state === "lost"));
    expect(statuses.slice(seen).find((s) => s.state === "lost")).toMatchObject({ code: "device_lost", message: expect.stringMatching(/reason "destroyed"/) });
    expect((await engine.stats()).loaded).toBeNull();
    expect((await ask("and again")).choices[0]?.message.content).toMatch(/^load #3:/);
  });

  it("Chromium's own errors for work on a lost device are recognised as a loss", async () => {
    const device = await (await navigator.gpu.requestAdapter())!.requestDevice();
    device.destroy();
    await device.lost;
    const buffer = device.createBuffer({ size: 4, usage: GPUBufferUsage.MAP_READ });
    const err = await buffer.mapAsync(GPUMapMode.READ).then(() => null, (e: unknown) => e);
    expect((err as Error).message).toMatch(/Device was lost/);
    expect(isLostDeviceError(err)).toBe(true);
    expect(isLostDeviceError(new Error("Buffer is too small"))).toBe(false);
    expect(deviceLost().code).toBe("device_lost");
  });
});
