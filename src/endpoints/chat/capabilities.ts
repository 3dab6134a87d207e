import { BadRequestError } from "../../errors/classes.js";
import type { BackendCapabilities } from "../../backends/backend.js";
import type { ValidRequest } from "./validate.js";

/**
 * Refuses a valid request that needs what the serving backend cannot do, naming the field, so
 * that a field is never silently ignored. Pure: it reads only its arguments.
 */
export function checkCapabilities(req: ValidRequest, caps: BackendCapabilities): void {
  const format = req.response_format?.type;
  if (format === "json_object" && !caps.jsonObject) {
    throw new BadRequestError("This backend cannot constrain output to JSON: 'response_format' of type 'json_object' is not supported.", "response_format");
  }
  if (format === "json_schema" && !caps.jsonSchema) {
    throw new BadRequestError("This backend cannot constrain output to a JSON schema: 'response_format' of type 'json_schema' is not supported.", "response_format");
  }
  if (req.logprobs && !caps.logprobs) {
    throw new BadRequestError("This backend does not report log probabilities: 'logprobs' is not supported.", "logprobs");
  }
}
