import { Ajv, type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import spec from "../fixtures/openai-responses.openapi.json" with { type: "json" };

// OpenAI's official Responses API schemas (a copy of shared/openai/responses.openapi.json, kept in
// the repo so that a fresh clone tests on its own), compiled as the spec's notes say: ajv with
// `strict: false` and ajv-formats. Nothing is relaxed: what pagellm returns must validate as is.
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(spec, "responses");

/** The Responses API schema names tests validate against. */
export type ResponsesSchemaName = "Response" | "ResponseStreamEvent" | "ResponseItemList" | "ErrorResponse" | "CreateResponse";

const cache = new Map<ResponsesSchemaName, ValidateFunction>();

/** Validates `value` against one of the Responses API's schemas; the errors as text, or null. */
export function responsesSchemaErrors(name: ResponsesSchemaName, value: unknown): string | null {
  let validate = cache.get(name);
  if (!validate) {
    validate = ajv.getSchema(`responses#/components/schemas/${name}`);
    if (!validate) throw new Error(`No schema ${name}`);
    cache.set(name, validate);
  }
  return validate(value) ? null : ajv.errorsText(validate.errors);
}
