import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, expect, test } from "vitest";
import { findChromium } from "../../scripts/chromium-path.mjs";
import { chromiumPath } from "../support/chromium.js";

// scripts/ensure-chromium.mjs, which `npm test` runs before vitest, on a machine that looks bare.
// Each run gets only the environment written here: PATH is a folder of this test's own making,
// and PAGELLM_CHROMIUM_LOCATIONS="" hides this machine's /usr/bin/chromium. The script finds
// apt-get through PATH, so a real apt-get can never run; where a test needs one, a fake in that
// folder records how it was called.
const script = fileURLToPath(new URL("../../scripts/ensure-chromium.mjs", import.meta.url));
const root = mkdtempSync(join(tmpdir(), "pagellm-chromium-setup-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const isRoot = process.getuid?.() === 0;

let dirs = 0;
function emptyDir(): string {
  const dir = join(root, `d${dirs++}`);
  mkdirSync(dir);
  return dir;
}

function executable(file: string, body: string): string {
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
  return file;
}

function run(env: Record<string, string>, ...args: string[]) {
  const r = spawnSync(process.execPath, [script, ...args], {
    env: { PAGELLM_CHROMIUM_LOCATIONS: "", ...env },
    encoding: "utf8",
    timeout: 20_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, errLines: r.stderr.split("\n").filter(Boolean) };
}

function expectOneLineFailure(r: ReturnType<typeof run>): string {
  expect(r.status).not.toBe(0);
  expect(r.errLines).toHaveLength(1);
  const line = r.errLines[0] ?? "";
  expect(line).toMatch(/^pagellm: /);
  expect(r.stderr).not.toMatch(/^\s+at /m);
  expect(line).toContain("CHROMIUM_PATH");
  return line;
}

test("no browser and no apt-get: one line naming CHROMIUM_PATH, non-zero exit, vitest never starts", () => {
  const r = run({ PATH: emptyDir() });
  const line = expectOneLineFailure(r);
  expect(line).toContain("no apt-get");
  expect(r.stdout).toBe("");
});

test("no browser and an apt-get that fails: still one line, with apt's reason when it ran", () => {
  const bin = emptyDir();
  const calls = join(bin, "calls");
  executable(join(bin, "apt-get"), `echo "$@" >> ${calls}\necho "Reading package lists..." >&2\necho "E: Unable to locate package chromium" >&2\nexit 100`);
  const line = expectOneLineFailure(run({ PATH: bin }));
  if (isRoot) {
    expect(line).toContain("E: Unable to locate package chromium");
    expect(readFileSync(calls, "utf8")).toBe("update -qq\n");
  } else {
    // Without root it must not try, and it says how to do it by hand.
    expect(line).toContain("sudo apt-get install -y chromium");
    expect(existsSync(calls)).toBe(false);
  }
});

test("no browser, root and apt-get: installs non-interactively, then uses what it installed", () => {
  const bin = emptyDir();
  const calls = join(bin, "calls");
  // A stand-in for Debian's package: `install` puts a chromium on PATH, as the real one does.
  executable(
    join(bin, "apt-get"),
    `echo "$DEBIAN_FRONTEND $@" >> ${calls}\n` +
      `if [ "$1" = install ]; then printf '#!/bin/sh\\necho Chromium 0.0 fake\\n' > ${bin}/chromium; /bin/chmod 755 ${bin}/chromium; fi`,
  );
  const r = run({ PATH: bin }, "--version");
  if (isRoot) {
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(readFileSync(calls, "utf8")).toBe("noninteractive update -qq\nnoninteractive install -y -qq chromium\n");
    expect(r.stdout).toContain(`Chromium at ${join(bin, "chromium")}`);
    expect(r.stdout).toContain("Chromium 0.0 fake");
  } else {
    expectOneLineFailure(r);
    expect(existsSync(calls)).toBe(false);
  }
});

test("CHROMIUM_PATH at a missing file: one line naming it, and no other browser is used instead", () => {
  const bin = emptyDir();
  executable(join(bin, "chromium"), "echo Chromium 0.0 fake");
  const line = expectOneLineFailure(run({ PATH: bin, CHROMIUM_PATH: "/nonexistent/chromium" }));
  expect(line).toContain("CHROMIUM_PATH=/nonexistent/chromium is not an executable file");
});

test("CHROMIUM_PATH at an executable: exit 0, prints the path (and its --version when asked)", () => {
  const browser = executable(join(emptyDir(), "my-chromium"), "echo Chromium 0.0 fake");
  const r = run({ PATH: emptyDir(), CHROMIUM_PATH: browser }, "--version");
  expect(r.status).toBe(0);
  expect(r.stderr).toBe("");
  expect(r.stdout).toBe(`pagellm: Chromium at ${browser} (CHROMIUM_PATH)\nChromium 0.0 fake\n`);
});

test("the search order: CHROMIUM_PATH, PAGELLM_CHROME, the fixed locations, then names on PATH", () => {
  const a = executable(join(emptyDir(), "a"), "true");
  const b = executable(join(emptyDir(), "b"), "true");
  const fixed = executable(join(emptyDir(), "chromium"), "true");
  const bin = emptyDir();
  const onPath = executable(join(bin, "google-chrome-stable"), "true");
  const base = { PATH: bin, PAGELLM_CHROMIUM_LOCATIONS: fixed };
  expect(findChromium({ ...base, CHROMIUM_PATH: a, PAGELLM_CHROME: b })).toEqual({ path: a, via: "CHROMIUM_PATH" });
  expect(findChromium({ ...base, PAGELLM_CHROME: b })).toEqual({ path: b, via: "PAGELLM_CHROME" });
  expect(findChromium(base)).toEqual({ path: fixed, via: "default location" });
  expect(findChromium({ PATH: bin, PAGELLM_CHROMIUM_LOCATIONS: "" })).toEqual({ path: onPath, via: "google-chrome-stable on PATH" });
  executable(join(bin, "chromium-browser"), "true");
  expect(findChromium({ PATH: bin, PAGELLM_CHROMIUM_LOCATIONS: "" }).path).toBe(join(bin, "chromium-browser"));
  // A set variable that names nothing runnable stops the search rather than falling through.
  expect(findChromium({ ...base, PAGELLM_CHROME: join(bin, "missing") })).toEqual({ path: null, badVariable: "PAGELLM_CHROME", value: join(bin, "missing") });
});

test("vitest's browser, the e2e tests and the benchmarks launch what the same search finds", () => {
  const found = findChromium(process.env);
  expect(chromiumPath()).toBe(found.path ?? (found.badVariable ? found.value : "/usr/bin/chromium"));
});
