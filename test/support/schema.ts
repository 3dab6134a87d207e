import { readFileSync } from "node:fs";
import { Ajv, type ValidateFunction } from "ajv";

// OpenAI's official schemas (a copy of shared/openai/chat-completions.openapi.json, kept in the
// repo so that a fresh clone tests on its own). Everything pagellm returns must validate.
const doc = JSON.parse(readFileSync(new URL("../fixtures/openai-chat-completions.openapi.json", import.meta.url), "utf8")) as object;
const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
ajv.addSchema(doc, "openai");

/** The schema names tests validate against. */
export type SchemaName =
  | "CreateChatCompletionResponse"
  | "CreateChatCompletionStreamResponse"
  | "Model"
  | "ListModelsResponse"
  | "ErrorResponse";

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
