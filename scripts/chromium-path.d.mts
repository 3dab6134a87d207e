// Types for chromium-path.mjs, which stays plain JavaScript so that Node runs it without tsx.

/** What {@link findChromium} found. */
export type ChromiumLookup =
  /** `via` says which rule matched: a variable's name, a fixed location, or "NAME on PATH". */
  | { path: string; via: string }
  /** Nothing found; `badVariable` is set when a variable names no executable file. */
  | { path: null; badVariable: string | null; value: string | null };

/** Variables that name the browser, in the order they win. */
export declare const CHROMIUM_VARIABLES: readonly string[];
/** Where Debian's `apt-get install chromium` puts it. */
export declare const DEFAULT_LOCATIONS: readonly string[];
/** Names looked up on PATH when nothing else matched. */
export declare const PATH_NAMES: readonly string[];

/** The fixed locations looked at: /usr/bin/chromium, or PAGELLM_CHROMIUM_LOCATIONS (PATH-style; empty for none). */
export declare function chromiumLocations(env?: NodeJS.ProcessEnv): string[];
/** True if `file` is a regular file (after symlinks) that this process may execute. */
export declare function isExecutable(file: string): boolean;
/** The first executable called `name` in a directory of `env.PATH`, or null. */
export declare function which(name: string, env?: NodeJS.ProcessEnv): string | null;
/**
 * Looks for Chromium: CHROMIUM_PATH, then PAGELLM_CHROME, then /usr/bin/chromium, then
 * chromium, chromium-browser, google-chrome and google-chrome-stable on PATH.
 */
export declare function findChromium(env?: NodeJS.ProcessEnv): ChromiumLookup;
/** The Chromium to launch; falls back to a best guess instead of throwing when none is found. */
export declare function chromiumPath(env?: NodeJS.ProcessEnv): string;
