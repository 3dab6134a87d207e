import { pseudoText } from "./words.js";

type Schema = Record<string, unknown>;

const FORMATS: Record<string, (rand: () => number) => string> = {
  "date-time": () => "2025-01-01T00:00:00Z",
  date: () => "2025-01-01",
  time: () => "00:00:00",
  email: () => "someone@example.com",
  uri: () => "https://example.com/",
  uuid: (rand) => "00000000-0000-4000-8000-".concat(Math.floor(rand() * 0xffffffffffff).toString(16).padStart(12, "0")),
};

/** Beyond this depth only required properties and minimum lengths are filled, so recursive schemas end. */
const DEEP = 6;

/**
 * A value that is valid for `schema`, chosen with `rand` (so the same seed gives the same value).
 * It covers the JSON Schema that structured outputs use: `type` (also as a list), `enum`, `const`,
 * `anyOf`/`oneOf`/`allOf` (the first branch), local `$ref`s, `properties` with `required`,
 * `items` with `minItems`/`maxItems`, numeric bounds, string lengths and common `format`s. A
 * `pattern` is not generated (the text is pseudo-words), which is the one way the value can miss
 * a schema; `fakeBackend`'s docs say so.
 */
export function schemaInstance(schema: unknown, rand: () => number, root: unknown = schema, depth = 0): unknown {
  if (typeof schema !== "object" || schema === null) return {};
  const s = schema as Schema;
  if (typeof s.$ref === "string") return schemaInstance(resolveRef(root, s.$ref), rand, root, depth + 1);
  if ("const" in s) return s.const;
  if (Array.isArray(s.enum) && s.enum.length > 0) return s.enum[Math.floor(rand() * s.enum.length)];
  for (const key of ["anyOf", "oneOf", "allOf"]) {
    const branches = s[key];
    if (Array.isArray(branches) && branches.length > 0) return schemaInstance(branches[0], rand, root, depth + 1);
  }
  const types = Array.isArray(s.type) ? s.type : [s.type];
  const type = types.find((t) => t !== "null") ?? types[0] ?? (s.properties ? "object" : undefined);
  switch (type) {
    case "object": {
      const out: Record<string, unknown> = {};
      const props = (s.properties ?? {}) as Record<string, unknown>;
      const required = new Set(Array.isArray(s.required) ? (s.required as string[]) : []);
      for (const [key, sub] of Object.entries(props)) {
        if (required.has(key) || (depth < DEEP && rand() < 0.5)) out[key] = schemaInstance(sub, rand, root, depth + 1);
      }
      return out;
    }
    case "array": {
      const min = typeof s.minItems === "number" ? s.minItems : depth < DEEP ? 1 : 0;
      const max = typeof s.maxItems === "number" ? s.maxItems : Math.max(min, 3);
      const n = min + Math.floor(rand() * (max - min + 1));
      return Array.from({ length: n }, () => schemaInstance(s.items ?? {}, rand, root, depth + 1));
    }
    case "string": {
      const format = typeof s.format === "string" ? FORMATS[s.format] : undefined;
      if (format) return format(rand);
      const min = typeof s.minLength === "number" ? s.minLength : 0;
      const max = typeof s.maxLength === "number" ? s.maxLength : Infinity;
      let text = pseudoText(rand, 4);
      while (text.length < min) text += ` ${pseudoText(rand, 4)}`;
      return text.slice(0, max);
    }
    case "integer":
    case "number": {
      const lo = typeof s.minimum === "number" ? s.minimum : typeof s.exclusiveMinimum === "number" ? s.exclusiveMinimum + 1 : 0;
      const hi = typeof s.maximum === "number" ? s.maximum : typeof s.exclusiveMaximum === "number" ? s.exclusiveMaximum - 1 : lo + 100;
      const v = lo + rand() * Math.max(0, hi - lo);
      return type === "integer" ? Math.min(Math.floor(hi), Math.max(Math.ceil(lo), Math.round(v))) : Math.round(v * 100) / 100;
    }
    case "boolean":
      return rand() < 0.5;
    case "null":
      return null;
    default:
      return {};
  }
}

/** A local `$ref` (`#`, `#/$defs/x`, `#/definitions/x`, any JSON pointer into the root). */
function resolveRef(root: unknown, ref: string): unknown {
  if (!ref.startsWith("#")) return {};
  let at: unknown = root;
  for (const raw of ref.slice(1).split("/").filter(Boolean)) {
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    at = typeof at === "object" && at !== null ? (at as Record<string, unknown>)[key] : undefined;
  }
  return at ?? {};
}
