import type { BrowserCommand } from "vitest/node";
import type { SchemaName } from "./schema.js";

// Browser commands: functions that run in vitest's Node process and that browser tests call
// through `commands` from "vitest/browser". Schema validation lives here because
// `schemaErrors` reads OpenAI's spec with `node:fs`, which a browser cannot. The schema module
// loads on first use, so that loading vite.config.ts stays cheap for the other projects.

/** Validates `value` against one of OpenAI's schemas; the errors as text, or null when valid. */
const validateSchema: BrowserCommand<[name: SchemaName, value: unknown], Promise<string | null>> = async (_ctx, name, value) => {
  const { schemaErrors } = await import("./schema.js");
  return schemaErrors(name, value);
};

/** The commands to register under the browser project's `browser.commands`. */
export const commands = { validateSchema };

declare module "vitest/browser" {
  interface BrowserCommands {
    /** Validates `value` against one of OpenAI's schemas (in Node); the errors as text, or null. */
    validateSchema(name: SchemaName, value: unknown): Promise<string | null>;
  }
}
