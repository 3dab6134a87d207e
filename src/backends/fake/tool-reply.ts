import { BadRequestError } from "../../errors/classes.js";
import { TOOL_FORMATS } from "../../tools/families.js";
import { collect } from "../../tools/call-stream.js";
import type { ToolConstraint } from "../backend.js";
import { schemaInstance } from "./schema-instance.js";

/**
 * What the fake writes when `tool_choice` forces a call, as a grammar-bound model would. With no
 * scripted reply: a call to an allowed function, in the family's own text, with arguments that
 * are a valid instance of its parameters (the same for the same seed). A scripted reply is used
 * as it is, but only if the grammar could have produced it: a real engine under the same
 * constraint can write nothing else, so the fake refuses to be looser and says why.
 */
export function constrainedReply(constraint: ToolConstraint, scripted: string | null, rand: () => number): string {
  const format = TOOL_FORMATS.find((f) => f.name === constraint.format);
  if (!format) throw new BadRequestError(`Unknown tool format '${constraint.format}'.`, "tool_choice");
  if (scripted === null) {
    const name = constraint.names[Math.floor(rand() * constraint.names.length)] ?? constraint.names[0] ?? "";
    const tool = constraint.tools.find((t) => t.function.name === name);
    return format.callText([{ name, arguments: JSON.stringify(schemaInstance(tool?.function.parameters ?? { type: "object" }, rand)) }]);
  }
  const { content, calls } = collect(format, scripted, { trusted: false, tools: constraint.tools });
  const wrong = calls.find((c) => !constraint.names.includes(c.name));
  if (calls.length === 0 || content.trim() !== "" || wrong || (!constraint.parallel && calls.length > 1)) {
    const why = calls.length === 0 ? "it makes no call" : wrong ? `it calls '${wrong.name}'` : content.trim() !== "" ? "it has text beside the call" : "it makes several calls";
    throw new BadRequestError(
      `fakeBackend: the scripted reply cannot be written under this tool_choice (${why}); a grammar-bound model could only call ${constraint.names.join(" or ")} in the ${format.name} format. ` +
        "Script such a call (toolCallText() from pagellm/testing writes one), or leave the reply unscripted.",
      "tool_choice",
    );
  }
  return scripted;
}
