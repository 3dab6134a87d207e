import type { MainThreadResult, RenderRun } from "./longtasks.js";
import type { ModerationResult } from "./moderation.js";
import type { Mode } from "./pages/api.js";
import type { BundleSize, EntryName } from "./size.js";
import type { TargetCheck } from "./targets.js";
import type { TransportResult } from "./transport.js";
import type { RealResult } from "./real/measure.js";

/** Everything one run measured: the shape of bench/results/latest.json. */
export interface BenchResult {
  /** When the run started, ISO 8601 UTC. */
  date: string;
  mode: "full" | "quick";
  machine: {
    chromium: string;
    node: string;
    cpus: number;
    cpuModel: string;
    platform: string;
    note: string;
  };
  config: { tokens: number; chunksPerStream: number; fakeChunksPerStream: number; repeats: number; ttftSamples: number; modes: Mode[] };
  transport?: TransportResult;
  moderation?: ModerationResult;
  mainThread?: {
    /** The figure the target is judged on: the demo's, or the bench page's when the demo could not be driven. */
    judged: MainThreadResult;
    benchPage: MainThreadResult;
    demoError: string | null;
    /** A control page doing only 3 ms tasks for as long as the judged replies took: the machine's noise. */
    control: RenderRun;
  };
  size?: Record<EntryName, BundleSize>;
  /** Real WebLLM inference on a synthetic model, side by side (only with PAGELLM_MODEL_LIB). */
  real?: RealResult;
  targets: TargetCheck[];
}

const LABELS: Record<Mode, string> = {
  a: "(a) backend called directly, no worker",
  b: "(b) pagellm, module Worker",
  c: "(c) WebLLM's own worker protocol",
  b1: "    (b) on one thread [info]",
  "a-fake": "    (a), fakeBackend as shipped [info] *",
  "b-fake": "    (b), fakeBackend as shipped [info] *",
  "b-mod": "    (b) with a trivial moderate hook [info]",
};

const int = (n: number): string => Math.round(n).toLocaleString("en-US");
const k = (n: number): string => `${Math.round(n / 1000)}k`;
const ms = (n: number): string => `${n.toFixed(2)} ms`;
const kb = (n: number): string => (n >= 1_000_000 ? `${(n / 1_000_000).toFixed(2)} MB` : `${(n / 1000).toFixed(1)} KB`);
const pad = (s: string, n: number): string => s.padEnd(n);
const lpad = (s: string, n: number): string => s.padStart(n);

function transportSection(t: TransportResult, config: BenchResult["config"]): string[] {
  const lines: string[] = [];
  lines.push(
    `Transport: ${int(config.chunksPerStream)} chunks per stream (${int(config.tokens)} one-token deltas + role + finish), ` +
      `${config.repeats} interleaved rounds; chunks/s`,
  );
  lines.push(`  ${pad("scenario", 44)}${lpad("median", 10)}${lpad("min-max", 16)}${lpad("spread", 9)}`);
  for (const mode of config.modes) {
    const s = t.rates[mode];
    if (s) lines.push(`  ${pad(LABELS[mode], 44)}${lpad(int(s.median), 10)}${lpad(`${k(s.min)}-${k(s.max)}`, 16)}${lpad(`${Math.round(s.spread * 100)}%`, 9)}`);
  }
  for (const key of ["b/a", "b/c"] as const) {
    const q = t.ratios[key];
    lines.push(`  ${pad(key, 44)}${lpad(q.median.toFixed(2), 10)}${lpad(`${q.min.toFixed(2)}-${q.max.toFixed(2)}`, 16)}   (per round)`);
  }
  if (config.modes.some((m) => m.endsWith("-fake"))) {
    lines.push(`  * ${int(config.fakeChunksPerStream)} chunks per stream; pseudo-text paced by the fake's own yield every 16 tokens`);
  }
  lines.push("");
  lines.push(`Time to first token, create() to first chunk, ${t.ttft.a.n} samples each`);
  lines.push(`  ${pad("scenario", 44)}${lpad("p50", 10)}${lpad("p99", 12)}`);
  for (const mode of ["a", "b", "c"] as const) lines.push(`  ${pad(LABELS[mode], 44)}${lpad(ms(t.ttft[mode].p50), 10)}${lpad(ms(t.ttft[mode].p99), 12)}`);
  lines.push(`  ${pad("added by pagellm (b - a)", 44)}${lpad(ms(t.ttft.added.p50), 10)}${lpad(ms(t.ttft.added.p99), 12)}`);
  return lines;
}

function mainThreadSection(m: NonNullable<BenchResult["mainThread"]>): string[] {
  const lines = ["Main thread: long tasks (> 50 ms) while a 2,000-token reply renders at full speed"];
  const row = (r: MainThreadResult, judged: boolean): void => {
    const each = r.runs.map((x) => x.longTasks.length).join(", ");
    const worst = r.worstTaskMs ? `, worst ${Math.round(r.worstTaskMs)} ms` : "";
    const secs = r.runs.map((x) => (x.ms / 1000).toFixed(2)).join(", ");
    lines.push(
      `  ${pad(`${r.source}${judged ? "" : " [info]"}`, 18)}${r.longTasks} long tasks in ${r.runs.length} replies (${each})${worst}; ` +
        `long animation frames ${r.longFrames}; each reply took ${secs} s`,
    );
    lines.push(`  ${pad("", 18)}${r.note}`);
  };
  row(m.judged, true);
  if (m.demoError) lines.push(`  ${pad("demo", 18)}not measured: ${m.demoError}`);
  if (m.benchPage !== m.judged) row(m.benchPage, false);
  const c = m.control.longTasks;
  lines.push(
    `  ${pad("control [noise]", 18)}${c.length} long tasks${c.length ? ` (worst ${Math.round(Math.max(...c))} ms)` : ""} in a page doing only 3 ms tasks ` +
      `for ${(m.control.ms / 1000).toFixed(2)} s: stalls of this machine, not of the page`,
  );
  return lines;
}

const ENTRY_LABELS: Record<EntryName, string> = {
  page: "pagellm page entry (`pagellm`)",
  chatOnly: "an app calling only chat.completions (no comlink)",
  worker: "pagellm worker entry (`pagellm/worker`)",
  webllmClient: "WebLLM's CreateWebWorkerMLCEngine client",
  openai: "openai SDK",
};

function sizeSection(size: Record<EntryName, BundleSize>): string[] {
  const lines = ["Bundle size: vite library build, every dependency bundled, minified; gzip -9"];
  lines.push(`  ${pad("entry", 44)}${lpad("minified", 10)}${lpad("gzipped", 12)}`);
  for (const [name, s] of Object.entries(size) as [EntryName, BundleSize][]) {
    lines.push(`  ${pad(ENTRY_LABELS[name], 44)}${lpad(kb(s.initial.raw), 10)}${lpad(kb(s.initial.gzip), 12)}`);
    if (s.lazy.raw > 0) lines.push(`  ${pad("  + loaded on demand (WebLLM)", 44)}${lpad(kb(s.lazy.raw), 10)}${lpad(kb(s.lazy.gzip), 12)}`);
  }
  return lines;
}

function targetsSection(targets: TargetCheck[]): string[] {
  return [
    "Targets",
    ...targets.map((c) => `  ${c.met ? "met   " : "MISSED"}  ${pad(c.name, 30)}${pad(`target ${c.target}`, 20)}${pad(`measured ${c.measured}`, 30)}${c.margin}`),
  ];
}

/** The one table `npm run bench` prints. */
export function formatTable(r: BenchResult): string {
  const sections: string[][] = [
    [
      `pagellm bench (${r.mode}) ${r.date}`,
      `Chromium ${r.machine.chromium}, Node ${r.machine.node}, ${r.machine.cpus} CPUs (${r.machine.cpuModel}); ${r.machine.note}`,
    ],
  ];
  if (r.transport) sections.push(transportSection(r.transport, r.config));
  if (r.moderation) {
    const m = r.moderation;
    sections.push([
      `Moderation (${m.tokens.toLocaleString("en-US")}-token reply through pagellm's worker, ${m.with.samples.length} runs each, alternating)`,
      `  without a hook ${m.without.median.toFixed(1)} ms, with a trivial hook ${m.with.median.toFixed(1)} ms: with/without = ${m.ratio.toFixed(2)}`,
    ]);
  }
  if (r.mainThread) sections.push(mainThreadSection(r.mainThread));
  if (r.size) sections.push(sizeSection(r.size));
  sections.push(targetsSection(r.targets));
  return sections.map((lines) => lines.join("\n")).join("\n\n");
}
