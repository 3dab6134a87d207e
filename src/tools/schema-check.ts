import { BadRequestError } from "../errors/classes.js";
import { inferTypes, isRecord, isSchema, listedValues, pointer, resolveRef, typeList } from "./schema-ref.js";
import { patternProblem } from "./schema-pattern.js";

/** The JSON Schema types the grammar knows. */
export const SCHEMA_TYPES = ["object", "array", "string", "number", "integer", "boolean", "null"] as const;

/**
 * Keywords that are accepted but that the grammar does not enforce: output is valid JSON of the
 * right shape, but may break these constraints (a string that does not match `pattern`, a number
 * above `maximum`, two `oneOf` branches that both match). `checkSchema` returns the ones present.
 */
export const LOOSE_KEYWORDS = [
  "pattern", "format", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf",
  "uniqueItems", "minProperties", "maxProperties", "propertyNames", "oneOf",
] as const;

/**
 * Keywords refused with a 400: each changes which values are valid in a way the grammar cannot
 * express, and ignoring one would let the model emit output the schema forbids, without a word.
 */
const REFUSED = [
  "not", "if", "then", "else", "dependentSchemas", "dependentRequired", "dependencies",
  "patternProperties", "prefixItems", "contains", "minContains", "maxContains",
  "unevaluatedProperties", "unevaluatedItems", "additionalItems", "$dynamicRef", "$recursiveRef",
];

/** Keywords that decide a node's shape; `$ref` and `anyOf` cannot be combined with them. */
const SHAPE = ["type", "properties", "required", "additionalProperties", "items", "enum", "const", "anyOf", "oneOf", "allOf", "$ref"];

const COUNTS = [["minItems", "maxItems"], ["minLength", "maxLength"], ["minProperties", "maxProperties"]] as const;

const BOUNDS = ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"] as const;

/**
 * How deeply schemas may nest. OpenAI's strict mode allows 10 levels (5 before); this leaves
 * room, and keeps the recursive walks here and in the grammar builder far from the stack's end.
 */
export const MAX_SCHEMA_DEPTH = 64;

/**
 * Checks a JSON Schema before its request is queued, so that a schema the grammar cannot honour
 * fails as a 400 naming `param` (e.g. `"response_format"` or `"tools[0].function.parameters"`)
 * instead of failing inside the engine. The message says where in the schema (a JSON pointer).
 *
 * Refused: a root that is not an object schema of type `object`; an unknown `type`; a keyword of
 * the wrong shape; `required` naming an undeclared property; an `enum`/`const` with no value of
 * the node's type; a `$ref` that goes nowhere (only refs inside the document resolve); `$ref` or
 * `anyOf` beside shape keywords; `allOf` of more than one schema; the keywords in `REFUSED`; an
 * object that contains itself (structured-clone data can hold real cycles; JSON cannot); and a
 * node that no finite value satisfies, such as a `$ref` cycle with no base case (recursion
 * through an optional property or an `anyOf` branch is fine); nesting deeper than
 * `MAX_SCHEMA_DEPTH`. Unknown keywords are ignored, as JSON Schema says.
 *
 * @returns the `LOOSE_KEYWORDS` present, sorted, so a caller can say the grammar is looser there.
 */
export function checkSchema(schema: unknown, param: string): string[] {
  const fail = (at: string, why: string): never => {
    throw new BadRequestError(`Invalid JSON schema in '${param}' at '${at}': ${why}`, param);
  };
  if (!isRecord(schema)) fail("#", `the schema must be a JSON object, got ${Array.isArray(schema) ? "an array" : typeof schema}.`);
  const root = schema as Record<string, unknown>;
  const loose = new Set<string>();
  const seen = new Map<object, string>();
  const stack = new Set<object>();
  // A `$ref` target is checked after the walk, not under the referring node: recursion through
  // `$ref` is legal, and only a node that really contains itself is a cycle.
  const refs: [unknown, string][] = [];

  const visit = (node: unknown, at: string): void => {
    if (typeof node === "boolean") return;
    if (!isRecord(node)) return fail(at, "a schema must be an object or a boolean.");
    if (stack.has(node)) return fail(at, "the schema contains itself (a cycle); use \"$ref\" for recursion.");
    if (seen.has(node)) return;
    if (stack.size >= MAX_SCHEMA_DEPTH) return fail(at, `schemas nest more than ${MAX_SCHEMA_DEPTH} levels deep.`);
    seen.set(node, at);
    stack.add(node);
    checkNode(node, at);
    stack.delete(node);
  };
  const sub = (node: Record<string, unknown>, at: string, key: string): void => {
    if (!isSchema(node[key])) fail(pointer(at, key), "must be a schema (an object or a boolean).");
    visit(node[key], pointer(at, key));
  };
  const schemaMap = (node: Record<string, unknown>, at: string, key: string): void => {
    const map = node[key];
    if (!isRecord(map)) return fail(pointer(at, key), "must be an object of schemas.");
    for (const k of Object.keys(map)) visit(map[k], pointer(at, key, k));
  };
  const schemaList = (node: Record<string, unknown>, at: string, key: string): void => {
    const list = node[key];
    if (!Array.isArray(list) || list.length === 0) return fail(pointer(at, key), "must be a non-empty array of schemas.");
    list.forEach((s, i) => visit(s, pointer(at, key, i)));
  };

  const checkNode = (node: Record<string, unknown>, at: string): void => {
    for (const k of REFUSED) if (Object.hasOwn(node, k)) fail(at, `'${k}' is not supported.`);
    for (const k of LOOSE_KEYWORDS) if (Object.hasOwn(node, k)) loose.add(k);
    const has = (k: string) => Object.hasOwn(node, k) && node[k] !== undefined;
    if (has("type")) {
      const t = node.type;
      const list = Array.isArray(t) ? t : [t];
      const known = SCHEMA_TYPES as readonly unknown[];
      if (list.length === 0 || list.some((x) => !known.includes(x)) || new Set(list).size !== list.length) {
        fail(pointer(at, "type"), `must be one of ${SCHEMA_TYPES.map((x) => `'${x}'`).join(", ")}, or a list of them; got ${JSON.stringify(t)}.`);
      }
    }
    if (has("nullable") && typeof node.nullable !== "boolean") fail(pointer(at, "nullable"), "must be a boolean.");
    if (has("$ref")) {
      if (typeof node.$ref !== "string") fail(pointer(at, "$ref"), "must be a string.");
      const extra = SHAPE.filter((k) => k !== "$ref" && has(k));
      if (extra.length > 0) fail(at, `'$ref' cannot be combined with '${extra.join("', '")}'.`);
      const target = resolveRef(root, node.$ref as string);
      if (!isSchema(target)) fail(pointer(at, "$ref"), `'${node.$ref as string}' does not resolve to a schema in this document.`);
      refs.push([target, node.$ref as string]);
    }
    for (const k of ["anyOf", "oneOf", "allOf"]) {
      if (!has(k)) continue;
      schemaList(node, at, k);
      const extra = SHAPE.filter((s) => s !== k && has(s));
      if (extra.length > 0) fail(at, `'${k}' cannot be combined with '${extra.join("', '")}'.`);
      if (k === "allOf" && (node.allOf as unknown[]).length > 1) fail(pointer(at, "allOf"), "'allOf' of more than one schema is not supported.");
    }
    for (const k of ["$defs", "definitions"]) if (has(k)) schemaMap(node, at, k);
    if (has("properties")) schemaMap(node, at, "properties");
    if (has("required")) {
      const req = node.required;
      if (!Array.isArray(req) || req.some((r) => typeof r !== "string")) fail(pointer(at, "required"), "must be an array of property names.");
      const props = isRecord(node.properties) ? node.properties : {};
      for (const r of req as string[]) if (!Object.hasOwn(props, r)) fail(pointer(at, "required"), `'${r}' is required but not declared in 'properties'.`);
    }
    if (has("additionalProperties")) sub(node, at, "additionalProperties");
    if (has("items")) {
      if (Array.isArray(node.items)) fail(pointer(at, "items"), "an array of schemas (tuple form) is not supported.");
      sub(node, at, "items");
    }
    for (const [lo, hi] of COUNTS) {
      for (const k of [lo, hi]) if (has(k) && !(Number.isSafeInteger(node[k]) && (node[k] as number) >= 0)) fail(pointer(at, k), "must be a non-negative integer.");
      if (has(lo) && has(hi) && (node[lo] as number) > (node[hi] as number)) fail(at, `'${lo}' is larger than '${hi}'.`);
    }
    checkBounds(node, at, fail);
    if (has("pattern")) {
      if (typeof node.pattern !== "string") fail(pointer(at, "pattern"), "must be a string.");
      const problem = patternProblem(node.pattern as string);
      if (problem) fail(pointer(at, "pattern"), `${JSON.stringify(node.pattern)} ${problem}`);
    }
    if (has("enum") && (!Array.isArray(node.enum) || node.enum.length === 0)) fail(pointer(at, "enum"), "must be a non-empty array.");
    for (const k of ["enum", "const"]) {
      if (!has(k)) continue;
      try {
        JSON.stringify(node[k]);
      } catch {
        fail(pointer(at, k), "must be plain JSON (no cycles).");
      }
    }
    const values = listedValues(node);
    if (values !== null && values.length === 0) fail(at, "no value of 'enum'/'const' has the node's 'type'.");
  };

  visit(root, "#");
  for (let next = refs.pop(); next; next = refs.pop()) visit(...next);
  checkRoot(root, fail);
  checkFinite(root, seen, fail);
  return [...loose].sort();
}

/**
 * Numeric bounds must be numbers, and leave some number between them (some integer, for an
 * integer-only node): the grammar engine refuses an empty range as an error of its own. Draft 4's
 * boolean `exclusiveMinimum`/`exclusiveMaximum` (which make `minimum`/`maximum` exclusive) are
 * still accepted: older generators write them.
 */
function checkBounds(node: Record<string, unknown>, at: string, fail: (at: string, why: string) => never): void {
  const bound = (k: (typeof BOUNDS)[number]): number | undefined => {
    const v = node[k];
    if (v === undefined || (typeof v === "boolean" && k.startsWith("exclusive"))) return undefined;
    if (typeof v !== "number" || !Number.isFinite(v)) return fail(pointer(at, k), "must be a finite number.");
    return v;
  };
  let [min, max, xmin, xmax] = BOUNDS.map(bound);
  if (node.exclusiveMinimum === true) [xmin, min] = [min, undefined];
  if (node.exclusiveMaximum === true) [xmax, max] = [max, undefined];
  const types = typeList(node);
  if (types?.length === 1 && types[0] === "integer") {
    const lo = Math.max(min === undefined ? -Infinity : Math.ceil(min), xmin === undefined ? -Infinity : Math.floor(xmin) + 1);
    const hi = Math.min(max === undefined ? Infinity : Math.floor(max), xmax === undefined ? Infinity : Math.ceil(xmax) - 1);
    if (lo > hi) fail(at, "no integer lies within its minimum and maximum.");
    return;
  }
  const lo = Math.max(min ?? -Infinity, xmin ?? -Infinity);
  const hi = Math.min(max ?? Infinity, xmax ?? Infinity);
  const exclusive = (xmin !== undefined && xmin === lo) || (xmax !== undefined && xmax === hi);
  if (lo > hi || (lo === hi && exclusive)) fail(at, "no number lies within its minimum and maximum.");
}

/** The root must describe objects: tool arguments and JSON mode's output are both objects. */
function checkRoot(root: Record<string, unknown>, fail: (at: string, why: string) => never): void {
  let node: unknown = root;
  let at = "#";
  for (let hops = 0; isRecord(node) && hops < 64; hops++) {
    const ref = typeof node.$ref === "string" ? node.$ref : Array.isArray(node.allOf) ? null : undefined;
    if (ref === undefined) break;
    at = ref ?? pointer(at, "allOf", 0);
    node = ref === null ? (node.allOf as unknown[])[0] : resolveRef(root, ref);
  }
  if (!isRecord(node)) return fail(at, "the root must be a schema of type 'object'.");
  const types = typeList(node);
  const other = ["anyOf", "oneOf", "enum", "const", "items"].find((k) => Object.hasOwn(node, k));
  if ((types && (types.length !== 1 || types[0] !== "object")) || other) {
    fail(at, `the root must be a schema of type 'object', got ${types ? `type ${JSON.stringify(node.type)}` : `'${other}'`}.`);
  }
}

/**
 * Refuses any node reachable from the root that no finite value satisfies: a `$ref` cycle with
 * no base case, recursion through a required property, a required `false`. Each would compile to
 * a grammar the model can enter and never leave, until `max_tokens`. A least fixpoint: a node is
 * finite once one of its ways out is.
 */
function checkFinite(root: Record<string, unknown>, nodes: Map<object, string>, fail: (at: string, why: string) => never): void {
  const finite = new Set<unknown>([true]);
  const ok = (s: unknown): boolean => finite.has(s) || (isRecord(s) && finiteNow(s));
  const finiteNow = (n: Record<string, unknown>): boolean => {
    if (typeof n.$ref === "string") return finite.has(resolveRef(root, n.$ref));
    const branches = n.anyOf ?? n.oneOf ?? n.allOf;
    if (Array.isArray(branches)) return (n.allOf ? branches.every : branches.some).call(branches, (b) => finite.has(b));
    if (listedValues(n) !== null) return true;
    const types = inferTypes(n);
    if (types === null) return true;
    return types.some((t) => {
      if (t === "object") {
        const props = isRecord(n.properties) ? n.properties : {};
        return (Array.isArray(n.required) ? n.required : []).every((r) => finite.has(props[r as string]));
      }
      if (t === "array") return (typeof n.minItems === "number" ? n.minItems : 0) === 0 || finite.has(n.items ?? true);
      return true;
    });
  };
  for (let changed = true; changed; ) {
    changed = false;
    for (const n of nodes.keys()) {
      if (finite.has(n) || !ok(n)) continue;
      finite.add(n);
      changed = true;
    }
  }
  // The root was visited first, so a schema that is infinite as a whole is reported at `#`.
  for (const [n, at] of nodes) {
    if (!finite.has(n)) fail(at, "no finite JSON value satisfies this subschema (a '$ref' cycle or required recursion with no base case).");
  }
}
