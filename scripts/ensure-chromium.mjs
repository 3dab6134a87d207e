// `npm test` runs this before vitest, so that `npm ci && npm test` works on a bare machine: it
// finds Chromium the same way the tests will (chromium-path.mjs), installs it with apt-get when
// it is missing and this process is root, and otherwise stops with one line that says what to
// do. Without it, a missing browser surfaced as one failed and 28 skipped tests behind a
// playwright stack trace, which says nothing about the fix.
//
// It uses nothing outside Node, so it can run before `npm ci` (as .ci/run does).
// `--version` also prints the browser's own `--version` line, for CI logs.
import { spawnSync } from "node:child_process";
import { CHROMIUM_VARIABLES, PATH_NAMES, chromiumLocations, findChromium, which } from "./chromium-path.mjs";

const looked = `looked at ${[...CHROMIUM_VARIABLES, ...chromiumLocations()].join(", ")} and ${PATH_NAMES.join("/")} on PATH`;

/** @param {string} message */
function fail(message) {
  // One line on stderr and a non-zero exit: the caller's `&&` stops vitest from starting.
  process.stderr.write(`pagellm: ${message.replace(/\s+/g, " ").trim()}\n`);
  process.exit(1);
}

/** @param {string} path @param {string} via */
function found(path, via) {
  console.log(`pagellm: Chromium at ${path} (${via})`);
  if (process.argv.includes("--version")) {
    const r = spawnSync(path, ["--version"], { stdio: ["ignore", "inherit", "pipe"], encoding: "utf8" });
    if (r.status !== 0) fail(`${path} --version failed (${lastLine(r.stderr) || r.error?.message || `exit ${r.status}`}); set CHROMIUM_PATH to a working Chromium`);
  }
  process.exit(0);
}

/** @param {string | null | undefined} text */
function lastLine(text) {
  return (text ?? "").split("\n").map((l) => l.trim()).filter(Boolean).pop() ?? "";
}

/**
 * Runs apt-get quietly and without a terminal to ask questions on.
 * @param {string} aptGet
 * @param {string[]} args
 * @returns {string | null} why it failed, or null
 */
function apt(aptGet, args) {
  const r = spawnSync(aptGet, args, {
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    stdio: ["ignore", "ignore", "pipe"],
    encoding: "utf8",
    maxBuffer: 64 * 2 ** 20,
  });
  if (r.status === 0) return null;
  return `apt-get ${args[0]} failed: ${lastLine(r.stderr) || r.error?.message || `exit ${r.status ?? r.signal}`}`;
}

function main() {
  const first = findChromium();
  if (first.path) return found(first.path, first.via);
  if (first.badVariable) {
    return fail(
      `${first.badVariable}=${first.value} is not an executable file; point ${first.badVariable} at Chromium's executable, or unset it to use /usr/bin/chromium or a chromium on PATH`,
    );
  }

  const aptGet = which("apt-get");
  if (!aptGet) {
    return fail(`no Chromium found (${looked}) and no apt-get to install it with; install Chromium or Chrome and set CHROMIUM_PATH=/path/to/its/executable`);
  }
  if (process.getuid?.() !== 0) {
    return fail(`no Chromium found (${looked}); install it with "sudo apt-get install -y chromium", or set CHROMIUM_PATH=/path/to/chromium`);
  }

  console.log("pagellm: no Chromium found; installing it with apt-get (this takes a minute or two)");
  const failed = apt(aptGet, ["update", "-qq"]) ?? apt(aptGet, ["install", "-y", "-qq", "chromium"]);
  if (failed) return fail(`no Chromium found and ${failed}; install Chromium yourself, or set CHROMIUM_PATH=/path/to/chromium`);

  const after = findChromium();
  if (after.path) return found(after.path, `installed with apt-get; ${after.via}`);
  return fail(`apt-get installed chromium, but it is still not found (${looked}); set CHROMIUM_PATH=/path/to/chromium`);
}

try {
  main();
} catch (err) {
  // Anything unforeseen still ends as one line rather than a trace.
  fail(`could not check for Chromium (${err instanceof Error ? err.message : String(err)}); set CHROMIUM_PATH=/path/to/chromium`);
}
