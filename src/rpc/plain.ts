import { BadRequestError } from "../errors/classes.js";

/**
 * How deep a request may nest: far beyond any real request or JSON schema (OpenAI's strict
 * schemas allow 10 levels), and well below where a worker's deserializer runs out of stack. In
 * Chromium an object nested some 1,500 levels deep posts fine but cannot be read by the worker,
 * which drops the message (a `messageerror` no caller sees), so the call would wait forever.
 */
export const MAX_DEPTH = 256;

/**
 * Finds the first part of a request that is not plain data, before anything is posted: a
 * function or a symbol (which `postMessage` cannot clone), a cycle (which JSON cannot hold), or
 * nesting deeper than `MAX_DEPTH`. Returns a 400 that names its path, or null.
 *
 * Checking first matters beyond the error message. A request that fails inside `postMessage`
 * leaks: comlink keeps the pending call's entry forever, and Node's serializer holds on to what
 * it had visited (in the fuzzer's soak run the page's heap grew to 4 GB, until the process died).
 * And one nested too deeply for the worker to read is dropped there, and would never be answered.
 */
export function notPlain(body: unknown): BadRequestError | null {
  const ancestors: object[] = [];
  const visit = (v: unknown, path: string): BadRequestError | null => {
    const at = path || "the request";
    if (typeof v === "function" || typeof v === "symbol") {
      return new BadRequestError(`'${at}' is a ${typeof v}; a request must be plain JSON data.`, path || null);
    }
    // Binary data is plain, and can be large: no need to walk it byte by byte.
    if (typeof v !== "object" || v === null || ArrayBuffer.isView(v) || v instanceof ArrayBuffer) return null;
    if (ancestors.includes(v)) return new BadRequestError(`'${at}' contains itself; a request must be plain JSON data, without cycles.`, path || null);
    if (ancestors.length >= MAX_DEPTH) return new BadRequestError(`'${at}' is nested more than ${MAX_DEPTH} levels deep.`, path || null);
    ancestors.push(v);
    try {
      if (Array.isArray(v)) {
        for (let i = 0; i < v.length; i++) {
          const found = visit(v[i], `${path}[${i}]`);
          if (found) return found;
        }
      } else {
        for (const key of Object.keys(v)) {
          const found = visit((v as Record<string, unknown>)[key], path ? `${path}.${key}` : key);
          if (found) return found;
        }
      }
      return null;
    } finally {
      ancestors.pop();
    }
  };
  return visit(body, "");
}
