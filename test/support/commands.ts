import type { BrowserCommand } from "vitest/node";
import type { SchemaName } from "./schema.js";
import type { ResponsesSchemaName } from "./responses-schema.js";

// Browser commands: functions that run in vitest's Node process and that browser tests call
// through `commands` from "vitest/browser". Schema validation lives here because
// `schemaErrors` reads OpenAI's spec with `node:fs`, which a browser cannot. The schema module
// loads on first use, so that loading vite.config.ts stays cheap for the other projects.

/** Validates `value` against one of OpenAI's schemas; the errors as text, or null when valid. */
const validateSchema: BrowserCommand<[name: SchemaName, value: unknown], Promise<string | null>> = async (_ctx, name, value) => {
  const { schemaErrors } = await import("./schema.js");
  return schemaErrors(name, value);
};

/** Validates `value` against one of the Responses API's schemas; the errors as text, or null when valid. */
const validateResponsesSchema: BrowserCommand<[name: ResponsesSchemaName, value: unknown], Promise<string | null>> = async (_ctx, name, value) => {
  const { responsesSchemaErrors } = await import("./responses-schema.js");
  return responsesSchemaErrors(name, value);
};

/** The commands to register under the browser project's `browser.commands`. */
export const commands = { validateSchema, validateResponsesSchema };

declare module "vitest/browser" {
  interface BrowserCommands {
    /** Validates `value` against one of OpenAI's schemas (in Node); the errors as text, or null. */
    validateSchema(name: SchemaName, value: unknown): Promise<string | null>;
    /** Validates `value` against one of the Responses API's schemas (in Node); the errors as text, or null. */
    validateResponsesSchema(name: ResponsesSchemaName, value: unknown): Promise<string | null>;
  }
}
