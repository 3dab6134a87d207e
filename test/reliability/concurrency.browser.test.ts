import { expect, test } from "vitest";
import { createEngine, type ChatCompletion, type ChatCompletionChunk, type CompletionUsage } from "../../src/index.js";
import { fakeBackend, tokenize } from "../../src/testing.js";
import { reliabilityWorker, since } from "./support/harness.js";
import { report, settings } from "./support/settings.js";

// Many requests issued at once on one engine: each must get exactly its own output (every one
// has its own seed, so its text is known in advance), served in the order they were issued, with
// no chunk of one ever in another's stream, and with the right usage.
//
// The order is read where it happens, in the worker: its backend stamps each reply with how many
// requests it had served before ("[17]"). The order in which the page *hears* the replies is no
// proof either way, because the browser delivers messages on different ports in no fixed order
// (the soak run with 500 requests saw two replies overtake a stream's first chunk).

const PROMPT = "Tell me something.";
const body = (seed: number) => ({ model: "fake-1", messages: [{ role: "user" as const, content: PROMPT }], seed });

/** What the fake says for `seed`, computed here in the page with no worker involved. */
async function expected(seed: number): Promise<string> {
  const backend = fakeBackend();
  let text = "";
  const req = { ...body(seed), conversation: body(seed).messages, tool_constraint: null, tool_tag: null, temperature: 1, top_p: 1, max_tokens: null, presence_penalty: 0, frequency_penalty: 0, logit_bias: null, logprobs: false, top_logprobs: null, response_format: null };
  for await (const ev of backend.generate(req, new AbortController().signal)) if (ev.type === "delta") text += ev.text;
  return text;
}

interface Result {
  seed: number;
  text: string;
  ids: Set<string>;
  usage: CompletionUsage | null | undefined;
}

test(`${settings.concurrent} requests at once: each gets its own output, in FIFO order, with its own usage`, async () => {
  const engine = await createEngine({ worker: reliabilityWorker({ stampOrder: true }) });
  try {
    await engine.load("fake-1");
    const n = settings.concurrent;
    const seeds = Array.from({ length: n }, (_, i) => 1_000 + i * 7);
    const started = performance.now();
    // Even seeds stream, odd ones do not: both kinds share the queue.
    const results = await Promise.all(
      seeds.map(async (seed, i): Promise<Result> => {
        if (i % 2 === 0) {
          const stream = await engine.chat.completions.create({ ...body(seed), stream: true, stream_options: { include_usage: true } });
          const chunks: ChatCompletionChunk[] = [];
          for await (const c of stream) chunks.push(c);
          return {
            seed,
            text: chunks.map((c) => c.choices[0]?.delta.content ?? "").join(""),
            ids: new Set(chunks.map((c) => c.id)),
            usage: chunks.at(-1)?.usage,
          };
        }
        const r: ChatCompletion = await engine.chat.completions.create(body(seed));
        return { seed, text: r.choices[0]?.message.content ?? "", ids: new Set([r.id]), usage: r.usage };
      }),
    );
    const ms = since(started);

    const allIds = new Set<string>();
    for (const [i, r] of results.entries()) {
      expect(r.ids.size).toBe(1);
      const [id] = r.ids;
      expect(allIds.has(id!)).toBe(false);
      allIds.add(id!);
      // Its own text, and served i-th: FIFO.
      expect(r.text).toBe(`[${i}]${await expected(r.seed)}`);
      expect(r.usage).toMatchObject({
        prompt_tokens: tokenize(PROMPT).length + 3,
        completion_tokens: tokenize(r.text).length,
        total_tokens: tokenize(PROMPT).length + 3 + tokenize(r.text).length,
      });
    }
    expect(new Set(results.map((r) => r.text)).size).toBeGreaterThan(n * 0.9);
    report("concurrency", { requests: n, ms, distinctOutputs: new Set(results.map((r) => r.text)).size });
    await expect.poll(() => engine.stats()).toMatchObject({ openPorts: 0, listeners: 0, queued: 0, running: 0 });
  } finally {
    engine.close();
  }
});
