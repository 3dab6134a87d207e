import { BadRequestError } from "../../errors/classes.js";

/** A JSON object. */
export type Obj = Record<string, unknown>;

/** A 400 naming `param`, as the hosted API words them. */
export const bad = (message: string, param: string | null): BadRequestError => new BadRequestError(message, param);

/** Whether `v` is a JSON object (not null, not an array). */
export const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** Whether a field was left out: absent and null mean the same, as in OpenAI's API. */
export const unset = (v: unknown): v is undefined | null => v === undefined || v === null;

/** What a value is, for an error message. */
export const describe = (v: unknown): string => (v === null ? "null" : Array.isArray(v) ? "an array" : `a ${typeof v}`);

/** A required string field. */
export function str(v: unknown, param: string): string {
  if (typeof v !== "string") throw bad(`'${param}' must be a string, got ${describe(v)}.`, param);
  return v;
}

/** An optional string field, as `null` when left out. */
export function optStr(v: unknown, param: string): string | null {
  return unset(v) ? null : str(v, param);
}

/** An optional boolean field, with its default. */
export function bool(v: unknown, param: string, fallback: boolean): boolean {
  if (unset(v)) return fallback;
  if (typeof v !== "boolean") throw bad(`'${param}' must be a boolean, got ${describe(v)}.`, param);
  return v;
}

/** An optional number in `[min, max]`, as `null` when left out. */
export function num(v: unknown, param: string, min: number, max: number, integer = false): number | null {
  if (unset(v)) return null;
  if (typeof v !== "number" || !Number.isFinite(v) || (integer && !Number.isSafeInteger(v))) {
    throw bad(`'${param}' must be ${integer ? "an integer" : "a number"}, got ${describe(v)}.`, param);
  }
  if (v < min || v > max) throw bad(`${v} is out of range for '${param}': expected a value from ${min} to ${max}.`, param);
  return v;
}

/** A list field. */
export function list(v: unknown, param: string): unknown[] {
  if (!Array.isArray(v)) throw bad(`'${param}' must be an array, got ${describe(v)}.`, param);
  return v;
}

/** Refuses a field that pagellm cannot honour with any value other than those in `allowed` (unset is always fine). */
export function only(v: unknown, param: string, allowed: readonly unknown[], why: string): void {
  if (unset(v) || allowed.includes(v)) return;
  throw bad(`${JSON.stringify(v)} is not supported for '${param}': ${why}`, param);
}
