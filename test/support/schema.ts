import { Ajv, type ValidateFunction } from "ajv";
import spec from "../fixtures/openai-chat-completions.openapi.json" with { type: "json" };

// OpenAI's official schemas (a copy of shared/openai/chat-completions.openapi.json, kept in the
// repo so that a fresh clone tests on its own). Everything pagellm returns must validate. The
// spec arrives as a JSON import, so the same validator runs in Node and in Chromium.
const doc = allowDeclaredNulls(structuredClone(spec));

// The spec was converted from OpenAPI 3.0's `nullable: true` to a 3.1 `type: [..., "null"]`, but
// enums kept their old value lists, so `finish_reason: null`, which every streamed chunk but the
// last carries in OpenAI's real API, would fail `enum`. Where a schema's own `type` admits null,
// its enum admits null too. Nothing else is relaxed.
function allowDeclaredNulls(node: unknown): object {
  if (Array.isArray(node)) node.forEach(allowDeclaredNulls);
  else if (node && typeof node === "object") {
    const o = node as Record<string, unknown>;
    if (Array.isArray(o.type) && o.type.includes("null") && Array.isArray(o.enum) && !o.enum.includes(null)) o.enum.push(null);
    Object.values(o).forEach(allowDeclaredNulls);
  }
  return node as object;
}
// OpenAI's `DeleteModelResponse` (the answer of DELETE /v1/models/{model}), as OpenAI's own
// OpenAPI spec defines it; the shared spec file holds only the chat-completions schemas.
(doc as { components: { schemas: Record<string, unknown> } }).components.schemas.DeleteModelResponse = {
  type: "object",
  properties: { id: { type: "string" }, deleted: { type: "boolean" }, object: { type: "string" } },
  required: ["id", "object", "deleted"],
};
const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
ajv.addSchema(doc, "openai");

/** The schema names tests validate against. */
export type SchemaName =
  | "CreateChatCompletionResponse"
  | "CreateChatCompletionStreamResponse"
  | "Model"
  | "ListModelsResponse"
  | "ErrorResponse"
  | "DeleteModelResponse";

const cache = new Map<SchemaName, ValidateFunction>();

/** Validates `value` against one of OpenAI's schemas; returns the errors as text, or null. */
export function schemaErrors(name: SchemaName, value: unknown): string | null {
  let validate = cache.get(name);
  if (!validate) {
    validate = ajv.getSchema(`openai#/components/schemas/${name}`);
    if (!validate) throw new Error(`No schema ${name}`);
    cache.set(name, validate);
  }
  return validate(value) ? null : ajv.errorsText(validate.errors);
}
