// Where pagellm's tests, benchmarks and smoke run find Chromium. It is plain Node ESM with no
// dependencies so that scripts/ensure-chromium.mjs can run it before `npm ci` has finished (as
// .ci/run does), and TypeScript reads its types from chromium-path.d.mts beside it. Every entry
// point goes through here, so that the browser `npm test` checks for is the one vitest launches.
import { accessSync, constants, statSync } from "node:fs";
import { delimiter, join } from "node:path";

/** Variables that name the browser, in the order they win. PAGELLM_CHROME is scripts/smoke.ts's. */
export const CHROMIUM_VARIABLES = ["CHROMIUM_PATH", "PAGELLM_CHROME"];

/** Where Debian's `apt-get install chromium` puts it. */
export const DEFAULT_LOCATIONS = ["/usr/bin/chromium"];

/** Names looked up on PATH when nothing else matched. */
export const PATH_NAMES = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"];

/**
 * True if `file` is a regular file (after symlinks) that this process may execute.
 * @param {string} file
 * @returns {boolean}
 */
export function isExecutable(file) {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The first executable called `name` in a directory of `env.PATH`, or null.
 * @param {string} name
 * @param {NodeJS.ProcessEnv} [env]
 * @returns {string | null}
 */
export function which(name, env = process.env) {
  for (const dir of (env.PATH ?? "").split(delimiter)) {
    // An empty PATH entry means the current directory to a shell; a browser found there by
    // accident is not one anybody chose, so such entries are skipped.
    if (!dir) continue;
    const file = join(dir, name);
    if (isExecutable(file)) return file;
  }
  return null;
}

/**
 * The fixed locations to look at. PAGELLM_CHROMIUM_LOCATIONS (PATH-style list; empty for none)
 * replaces them: for a machine that keeps Chromium somewhere unusual, and for the test that has
 * to see what happens on a machine without /usr/bin/chromium while this one has it.
 * @param {NodeJS.ProcessEnv} [env]
 * @returns {string[]}
 */
export function chromiumLocations(env = process.env) {
  const list = env.PAGELLM_CHROMIUM_LOCATIONS;
  return list === undefined ? DEFAULT_LOCATIONS : list.split(delimiter).filter(Boolean);
}

/**
 * Looks for Chromium: CHROMIUM_PATH, then PAGELLM_CHROME, then /usr/bin/chromium, then
 * chromium, chromium-browser, google-chrome and google-chrome-stable on PATH.
 *
 * A variable that is set but names no executable file stops the search there (`badVariable`):
 * whoever set it meant that browser, and quietly launching another one, or installing one,
 * would hide their mistake.
 * @param {NodeJS.ProcessEnv} [env]
 * @returns {import("./chromium-path.d.mts").ChromiumLookup}
 */
export function findChromium(env = process.env) {
  for (const variable of CHROMIUM_VARIABLES) {
    const value = env[variable];
    if (!value) continue;
    if (isExecutable(value)) return { path: value, via: variable };
    return { path: null, badVariable: variable, value };
  }
  for (const file of chromiumLocations(env)) {
    if (isExecutable(file)) return { path: file, via: "default location" };
  }
  for (const name of PATH_NAMES) {
    const file = which(name, env);
    if (file) return { path: file, via: `${name} on PATH` };
  }
  return { path: null, badVariable: null, value: null };
}

/**
 * The Chromium to launch. When none is found it still returns a path (the variable's value, or
 * /usr/bin/chromium) rather than throwing, because vite.config.ts calls it while loading, and a
 * run of only the node tests must not need a browser; scripts/ensure-chromium.mjs, which
 * `npm test` runs first, is what reports a missing one.
 * @param {NodeJS.ProcessEnv} [env]
 * @returns {string}
 */
export function chromiumPath(env = process.env) {
  const found = findChromium(env);
  return found.path ?? found.value ?? chromiumLocations(env)[0] ?? DEFAULT_LOCATIONS[0];
}
