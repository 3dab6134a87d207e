import fc from "fast-check";
import { afterAll, beforeAll, expect, test } from "vitest";
import { nodeEngine } from "../support/node-engine.js";
import { checkCase } from "./support/check.js";
import { describeCase, FUZZ_MODELS, requestCase } from "./support/requests.js";
import { report, settings, SOAK } from "./support/settings.js";

// Property-based fuzzing of the whole page↔worker path: generated requests, valid and broken,
// go through createEngine → comlink → a real worker_threads Worker → validation → queue →
// pipeline → fake backend and back. Every one must be answered with a schema-valid reply or a
// schema-valid OpenAI error that names the broken field, never a hang, a bare Error, a 500 or a
// dead worker. Requests run in concurrent batches so that 10,000 fit the CI budget; fast-check
// shrinks a failing batch to the smallest one that still fails.

let ctx: Awaited<ReturnType<typeof nodeEngine>>;
beforeAll(async () => {
  ctx = await nodeEngine({ models: [FUZZ_MODELS[0], FUZZ_MODELS[1], { id: FUZZ_MODELS[2], context_window: 64 }] });
});
afterAll(() => ctx?.close());

// A fixed seed keeps CI reproducible; PAGELLM_FUZZ_SEED explores new ground. PAGELLM_FUZZ_SURVEY=1
// runs every request and prints each distinct kind of failure once, instead of stopping early.
const seed = Number(process.env.PAGELLM_FUZZ_SEED ?? 20_261_128);
const survey = process.env.PAGELLM_FUZZ_SURVEY === "1";
const surveyed = new Map<string, string>();

test(
  `${settings.fuzzRequests} generated requests each get a valid reply or a valid OpenAI error`,
  async () => {
    const started = performance.now();
    let sent = 0;
    const outcomes = new Map<string, number>();
    const batch = fc.array(requestCase, { minLength: settings.fuzzBatch, maxLength: settings.fuzzBatch });
    await fc.assert(
      fc.asyncProperty(batch, async (cases) => {
        const problems = await Promise.all(cases.map((c) => checkCase(ctx.engine, c)));
        sent += cases.length;
        cases.forEach((c, i) => outcomes.set(`${c.label.split(" ")[0]}`, (outcomes.get(`${c.label.split(" ")[0]}`) ?? 0) + (problems[i] ? 0 : 1)));
        const failed = problems.flatMap((p, i) => (p ? [`${p}\n    ${describeCase(cases[i]!)}`] : []));
        if (survey) {
          problems.forEach((p, i) => p && surveyed.set(`${cases[i]!.label.split(" ")[0]}: ${p.slice(0, 90)}`, describeCase(cases[i]!).slice(0, 400)));
          return;
        }
        if (failed.length > 0) throw new Error(`${failed.length} of ${cases.length} failed:\n  ${failed.slice(0, 5).join("\n  ")}`);
      }),
      { numRuns: settings.fuzzRequests / settings.fuzzBatch, seed, endOnFailure: !SOAK, interruptAfterTimeLimit: SOAK ? 3_600_000 : 600_000 },
    );
    const ms = Math.round(performance.now() - started);
    if (survey) for (const [problem, example] of surveyed) console.log(`${problem}\n    ${example}`);
    expect([...surveyed.keys()]).toEqual([]);
    report("fuzz", { requests: sent, ms, perSecond: Math.round((sent / ms) * 1000), seed, passedByKind: Object.fromEntries(outcomes) });
    expect(sent).toBeGreaterThanOrEqual(settings.fuzzRequests);

    // The worker is alive, holds nothing, and still answers.
    await expect.poll(() => ctx.engine.stats(), { timeout: 5_000 }).toMatchObject({ openPorts: 0, listeners: 0, queued: 0, running: 0, pageCalls: 0 });
    const after = await ctx.engine.chat.completions.create({ model: "fake-1", messages: [{ role: "user", content: "still alive?" }], max_tokens: 2 });
    expect(after.choices[0]?.finish_reason).toBe("length");
  },
  SOAK ? 3_600_000 : 170_000,
);
