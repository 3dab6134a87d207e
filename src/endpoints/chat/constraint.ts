import type { BackendCapabilities, GenerateRequest, ToolConstraint } from "../../backends/backend.js";
import { BadRequestError } from "../../errors/classes.js";
import type { CallSyntax, ToolFormat } from "../../tools/format.js";
import { toolCallGrammar, toolCallStructuralTag, type StructuralTag } from "../../tools/grammar.js";
import { formatFor, toGenerateRequest } from "./conversation.js";
import type { ValidRequest } from "./validate.js";

/**
 * Whether the grammar builder can write this family's calls: it writes JSON objects (alone or in
 * a JSON list, name first). Ministral 3's `name[ARGS]{…}`, Qwen3.5's XML, Hermes 2 Pro's
 * arguments-first objects and SmolLM2's own list punctuation are not written yet.
 */
const grammarReady = (s: CallSyntax): boolean => (s.body ?? "json") === "json" && !s.argsFirst && !s.listPunctuation;

/**
 * The constraint a forced `tool_choice` puts on the output: `"required"` or a named function
 * must be enforced by the backend's grammar, never only asked for in the prompt. A backend
 * without grammar support, or a family whose call syntax has no grammar yet, is refused with a
 * 400 naming `tool_choice` instead of pretending.
 */
export function toolConstraint(req: ValidRequest, format: ToolFormat | null, caps: BackendCapabilities): ToolConstraint | null {
  const choice = req.tool_choice;
  if (choice === "auto" || choice === "none" || !format) return null;
  const which = typeof choice === "object" ? `a named function ('${choice.function.name}')` : "'required'";
  if (!caps.grammar) {
    throw new BadRequestError(`tool_choice ${which} needs grammar-constrained decoding, which this backend does not do. Use tool_choice 'auto'.`, "tool_choice");
  }
  if (!grammarReady(format.syntax)) {
    throw new BadRequestError(`tool_choice ${which} cannot be enforced for ${req.model} yet: pagellm has no grammar for its ${format.name} call format. Use tool_choice 'auto'.`, "tool_choice");
  }
  const parallel = req.parallel_tool_calls && format.parallel;
  return {
    format: format.name,
    tools: req.tools,
    names: typeof choice === "object" ? [choice.function.name] : req.tools.map((t) => t.function.name),
    parallel,
    grammar: toolCallGrammar(format.syntax, req.tools, choice, parallel),
  };
}

/**
 * With `tool_choice: "auto"`, a structural tag that leaves text free but holds a call, once its
 * opener appears, to a well-formed call that matches the function's schema. Null where the
 * family's syntax has no grammar yet, or nothing could trigger it.
 */
export function autoToolTag(req: ValidRequest, format: ToolFormat | null, caps: BackendCapabilities): StructuralTag | null {
  if (req.tool_choice !== "auto" || !format || !caps.grammar || req.tools.length === 0 || !grammarReady(format.syntax)) return null;
  try {
    return toolCallStructuralTag(format.syntax, req.tools, req.parallel_tool_calls && format.parallel);
  } catch {
    // A parameters schema the grammar cannot express: "auto" promises no constraint, so the
    // calls are parsed as written (and held until they parse) instead of refusing the request.
    return null;
  }
}

/** The backend's request for `req`, rendered once, with the tool constraints `caps` can enforce. */
export function generateRequestFor(req: ValidRequest, caps: BackendCapabilities): GenerateRequest {
  const format = formatFor(req);
  const tag = autoToolTag(req, format, caps);
  if (tag && req.response_format && req.response_format.type !== "text") {
    // One grammar per request: a JSON answer and a free choice of tool calls cannot both be held.
    throw new BadRequestError("'response_format' cannot be combined with tools under tool_choice 'auto' on a local model: one grammar constrains the output. Send tool_choice 'none' with response_format, or drop response_format.", "response_format");
  }
  return toGenerateRequest(req, toolConstraint(req, format, caps), tag);
}
