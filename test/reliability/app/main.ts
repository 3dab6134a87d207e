// The reliability harness page: a plain pagellm app with nothing inline, built by vite and served
// under a strict Content-Security-Policy. Playwright drives it through `window.harness`.
import { createEngine, type ChatCompletionChunk, type Engine, type ModelRecord } from "../../../src/index.js";

export interface Violation {
  where: string;
  directive: string;
  blocked: string;
  sample: string;
}

const violations: Violation[] = [];
document.addEventListener("securitypolicyviolation", (e) => {
  violations.push({ where: "page", directive: e.effectiveDirective, blocked: e.blockedURI, sample: e.sample });
});

/** A worker whose CSP violations land in `violations` too. */
function watched(worker: Worker): Worker {
  worker.addEventListener("message", (ev: MessageEvent<{ __csp?: Violation }>) => {
    if (ev.data?.__csp) violations.push(ev.data.__csp);
  });
  return worker;
}

let engine: Engine | null = null;

const harness = {
  violations,

  /** Starts an engine on the fake backend and loads its model. */
  async loadFake(): Promise<void> {
    engine = await createEngine({
      worker: () => watched(new Worker(new URL("./fake-worker.ts", import.meta.url), { type: "module" })),
      model: "fake-1",
    });
  },

  /** One chat: streamed or not, through `chat.completions` or OpenAI's REST protocol (`engine.fetch`). */
  async chat(prompt: string, mode: "create" | "stream" | "rest"): Promise<string> {
    if (!engine) throw new Error("no engine");
    const messages = [{ role: "user" as const, content: prompt }];
    if (mode === "create") return (await engine.chat.completions.create({ model: "fake-1", messages, max_tokens: 16 })).choices[0]?.message.content ?? "";
    if (mode === "stream") {
      let out = "";
      const stream = await engine.chat.completions.create({ model: "fake-1", messages, max_tokens: 16, stream: true });
      for await (const c of stream as AsyncIterable<ChatCompletionChunk>) out += c.choices[0]?.delta.content ?? "";
      return out;
    }
    const res = await engine.fetch("http://localhost/v1/chat/completions", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "fake-1", messages, max_tokens: 16 }),
    });
    const body = (await res.json()) as { choices: { message: { content: string } }[] };
    return body.choices[0]?.message.content ?? "";
  },

  /**
   * The real WebLLM module behind pagellm's real worker: list its catalog, then load a model
   * from `record` as far as this offline machine allows. Returns how the load ended.
   */
  async webllm(record: ModelRecord): Promise<{ models: number; error: { name: string; message: string } | null }> {
    const webllm = await createEngine({
      worker: () => watched(new Worker(new URL("./webllm-worker.ts", import.meta.url), { type: "module" })),
      models: [record],
    });
    try {
      const models = (await webllm.models.list()).data.length;
      const error = await webllm.load(record.model_id).then(
        () => null,
        (err: Error) => ({ name: err.name, message: err.message }),
      );
      return { models, error };
    } finally {
      webllm.close();
    }
  },

};

(window as unknown as { harness: typeof harness }).harness = harness;
document.body.dataset.ready = "1";
