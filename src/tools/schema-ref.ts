/** A JSON Schema node: an object, or `true`/`false` (which admit anything or nothing). */
export type SchemaNode = Record<string, unknown> | boolean;

/** Whether `v` is a plain object (not null, not an array): the shape of a non-boolean schema. */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Whether `v` can stand where a schema goes. */
export function isSchema(v: unknown): v is SchemaNode {
  return typeof v === "boolean" || isRecord(v);
}

/**
 * Resolves a local `$ref` (`#`, `#/$defs/X`, `#/definitions/X`, or any JSON pointer into the root
 * document) to the node it names, or `undefined` when it names nothing. Only own properties are
 * followed, so `#/constructor` goes nowhere instead of into `Object.prototype`.
 *
 * Refs to other documents, or to `$id`/`$anchor` names, cannot be resolved in a worker with no
 * network and no schema registry, so they go nowhere too.
 */
export function resolveRef(root: unknown, ref: string): unknown {
  if (ref === "#") return root;
  if (!ref.startsWith("#/")) return undefined;
  let node: unknown = root;
  for (const raw of ref.slice(2).split("/")) {
    let key: string;
    try {
      key = decodeURIComponent(raw).replace(/~1/g, "/").replace(/~0/g, "~");
    } catch {
      return undefined;
    }
    if (Array.isArray(node)) {
      if (!/^(0|[1-9][0-9]*)$/.test(key)) return undefined;
      node = node[Number(key)];
    } else if (isRecord(node) && Object.hasOwn(node, key)) {
      node = node[key];
    } else {
      return undefined;
    }
  }
  return node;
}

/** Appends `key` to a JSON pointer, escaped as RFC 6901 asks. */
export function pointer(base: string, ...keys: (string | number)[]): string {
  return keys.reduce<string>((p, k) => `${p}/${String(k).replace(/~/g, "~0").replace(/\//g, "~1")}`, base);
}

/** The JSON Schema type names a value belongs to (an integer is also a `number`). */
export function typesOf(v: unknown): string[] {
  if (v === null) return ["null"];
  if (Array.isArray(v)) return ["array"];
  if (typeof v === "number") return Number.isInteger(v) ? ["integer", "number"] : ["number"];
  if (typeof v === "object") return ["object"];
  return [typeof v];
}

/** The `type` keyword as a list, or `null` when it is absent. */
export function typeList(node: Record<string, unknown>): string[] | null {
  const t = node.type;
  if (typeof t === "string") return [t];
  if (Array.isArray(t)) return t.filter((x): x is string => typeof x === "string");
  return null;
}

/**
 * The types a node admits: its `type`, else what its keywords imply (`properties` an object,
 * `items` an array), else `null` for any value. The checker and the grammar builder share this,
 * so that both read a node without `type` the same way.
 */
export function inferTypes(node: Record<string, unknown>): string[] | null {
  const types = typeList(node);
  if (types) return node.nullable === true && !types.includes("null") ? [...types, "null"] : types;
  const implied = ["properties", "required", "additionalProperties"].some((k) => Object.hasOwn(node, k))
    ? ["object"]
    : ["items", "minItems", "maxItems"].some((k) => Object.hasOwn(node, k))
      ? ["array"]
      : ["minLength", "maxLength"].some((k) => Object.hasOwn(node, k))
        ? ["string"]
        : null;
  return implied && node.nullable === true ? [...implied, "null"] : implied;
}

/**
 * The values an `enum`/`const` node allows, after its `type` has filtered them, or `null` when
 * the node lists no values.
 */
export function listedValues(node: Record<string, unknown>): unknown[] | null {
  const hasConst = Object.hasOwn(node, "const");
  if (!hasConst && !Array.isArray(node.enum)) return null;
  let values: unknown[] = Array.isArray(node.enum) ? node.enum : [node.const];
  if (hasConst && Array.isArray(node.enum)) {
    const c = JSON.stringify(node.const);
    values = values.filter((v) => JSON.stringify(v) === c);
  }
  const types = typeList(node);
  if (node.nullable === true && types) types.push("null");
  return types ? values.filter((v) => typesOf(v).some((t) => types.includes(t))) : values;
}
