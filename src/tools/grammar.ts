import { BadRequestError } from "../errors/classes.js";
import type { ChatCompletionTool, ChatCompletionToolChoiceOption } from "../openai/chat.js";
import { literal } from "./ebnf.js";
import type { CallSyntax } from "./format.js";
import { JsonGrammar } from "./json-schema-ebnf.js";
import { checkSchema } from "./schema-check.js";

/**
 * One tag of a structural tag: `begin`, then text that `content` (an xgrammar EBNF grammar)
 * accepts, then `end`. The shape of xgrammar's `TagFormat` (web-xgrammar 0.1.27,
 * lib/structural_tag.d.ts), written out here so that this module needs neither WebLLM nor xgrammar.
 */
export interface StructuralTagTag {
  type: "tag";
  begin: string;
  content: { type: "grammar"; grammar: string };
  end: string;
}

/**
 * A structural tag as WebLLM 0.2.86 takes it in `response_format.structural_tag`: free text until
 * one of `triggers` appears, then one of `tags`, then free text again (or, with
 * `stop_after_first`, nothing but the end of the reply).
 */
export interface StructuralTag {
  type: "structural_tag";
  format: {
    type: "triggered_tags";
    triggers: string[];
    tags: StructuralTagTag[];
    at_least_one: boolean;
    stop_after_first: boolean;
  };
}

/** `response_format` values for WebLLM 0.2.86's constrained decoding that this module builds. */
export type GrammarResponseFormat =
  | { type: "grammar"; grammar: string }
  | { type: "structural_tag"; structural_tag: StructuralTag };

/**
 * The rules shared by the builders below. `rest` is a call object after its opening `{"name"`
 * (the `nameKey`), over every allowed tool: the name, then the arguments matching that tool's
 * schema. Split there so that a structural tag can begin at `{"name"` for families whose calls
 * have no opener of their own.
 */
function callRules(g: JsonGrammar, syntax: CallSyntax, tools: ChatCompletionTool[], only: string | null) {
  const ws = g.helper("ws");
  const picked = tools.map((t, i) => ({ t, i })).filter(({ t }) => only === null || t.function.name === only);
  if (picked.length === 0) throw new BadRequestError(`'tool_choice' names function '${only ?? ""}', which is not in 'tools'.`, "tool_choice");
  const rests = picked.map(({ t, i }) => {
    const fn = t.function;
    // No `parameters` means no arguments, as OpenAI reads it: the model must send `{}`.
    const params = fn.parameters ?? { type: "object", properties: {} };
    checkSchema(params, `tools[${i}].function.parameters`);
    const args = g.document(params, `${fn.name}_args`);
    const name = g.rules.fresh(`call_${fn.name}_rest`);
    const key = (k: string) => literal(JSON.stringify(k));
    g.rules.set(name, `${ws} ":" ${ws} ${key(fn.name)} ${ws} "," ${ws} ${key(syntax.argsKey)} ${ws} ":" ${ws} ${args} ${ws} "}"`);
    return name;
  });
  const rest = g.rules.fresh("call_rest");
  g.rules.set(rest, rests.join(" | "));
  const call = () => {
    const name = g.rules.fresh("call");
    g.rules.set(name, `"{" ${ws} ${literal(JSON.stringify(syntax.nameKey))} ${rest}`);
    return name;
  };
  return { ws, rest, call };
}

/**
 * Calls in JSON array syntax: exactly one, or (with `many`) one or more. Bounded whitespace may
 * come first, after the opener: Mistral's template writes `[TOOL_CALLS] [`, Phi-4-mini's `<|tool_call|>[`.
 */
function list(ws: string, item: string, many: boolean): string {
  return many ? `${ws} "[" ${ws} ${item} (${ws} "," ${ws} ${item})* ${ws} "]"` : `${ws} "[" ${ws} ${item} ${ws} "]"`;
}

/** `begin body end`, leaving out the empty ones. */
function wrap(begin: string, body: string, end: string): string {
  return [begin && literal(begin), body, end && literal(end)].filter(Boolean).join(" ");
}

/**
 * The EBNF grammar (xgrammar's dialect, for WebLLM's `response_format: { type: "grammar" }`)
 * that enforces `tool_choice` when it is `"required"` or names a function: the whole reply is
 * tool calls in the family's `syntax`, each naming an allowed function, with arguments that are
 * JSON matching that function's `parameters` (see `JsonGrammar` for what is and is not enforced).
 * No text may come before the first call or after the last.
 *
 * With `"required"` and `parallel`, one or more calls (joined by `syntax.separator`, or in one
 * JSON list when `syntax.list`); otherwise exactly one. Returns `null` for `"auto"` and `"none"`,
 * which force nothing (see `toolCallStructuralTag` for `"auto"`).
 *
 * @throws BadRequestError when a tool's `parameters` is not a schema `checkSchema` accepts
 *   (`param` names it), or when `choice` names a function that is not in `tools`.
 */
export function toolCallGrammar(
  syntax: CallSyntax,
  tools: ChatCompletionTool[],
  choice: ChatCompletionToolChoiceOption,
  parallel: boolean,
): string | null {
  if (choice === "auto" || choice === "none") return null;
  const g = new JsonGrammar();
  const root = g.rules.fresh("root");
  const { ws, call } = callRules(g, syntax, tools, choice === "required" ? null : choice.function.name);
  const many = parallel && choice === "required";
  if (syntax.list) {
    g.rules.set(root, wrap(syntax.begin, list(ws, call(), many), syntax.end));
  } else if (!many) {
    g.rules.set(root, wrap(syntax.begin, call(), syntax.end));
  } else {
    const block = g.rules.fresh("call_block");
    g.rules.set(block, wrap(syntax.begin, call(), syntax.end));
    g.rules.set(root, `${block} (${literal(syntax.separator)} ${block})*`);
  }
  return g.rules.toString();
}

/**
 * The structural tag for `tool_choice: "auto"`: text stays free, but once the family's opener
 * appears, the call that follows must be well-formed and match an allowed function's schema,
 * and then its closer. Without `parallel`, nothing but the end of the reply may follow the first
 * call; with it, more text and calls may follow (for `syntax.list` families, more calls go in the
 * one list instead).
 *
 * The trigger is the opener without trailing whitespace (`<tool_call>` for `<tool_call>\n`), so
 * that an opener followed by other whitespace is still caught, then held to the exact opener.
 * A family whose calls have no opener (Llama's bare JSON) is triggered by `{"name"` (its
 * `nameKey`): free text that happens to contain that must then go on as a call. Returns `null`
 * for a list family with no opener, which no trigger could catch without also catching `[`.
 */
export function toolCallStructuralTag(syntax: CallSyntax, tools: ChatCompletionTool[], parallel: boolean): StructuralTag | null {
  if (tools.length === 0 || (syntax.begin === "" && syntax.list)) return null;
  const g = new JsonGrammar();
  const root = g.rules.fresh("root");
  const { ws, call, rest } = callRules(g, syntax, tools, null);
  let begin = syntax.begin;
  if (syntax.list) g.rules.set(root, list(ws, call(), parallel));
  else if (begin !== "") g.rules.set(root, call());
  else {
    begin = `{${JSON.stringify(syntax.nameKey)}`;
    g.rules.set(root, rest);
  }
  const trigger = begin.trimEnd() || begin;
  return {
    type: "structural_tag",
    format: {
      type: "triggered_tags",
      triggers: [trigger],
      tags: [{ type: "tag", begin, content: { type: "grammar", grammar: g.rules.toString() }, end: syntax.end }],
      at_least_one: false,
      stop_after_first: syntax.list || !parallel,
    },
  };
}

/**
 * The EBNF grammar for OpenAI's JSON mode (`response_format: { type: "json_object" }`): one JSON
 * object, nothing before or after it, and bounded whitespace. Send it as `{ type: "grammar" }`:
 * WebLLM 0.2.86 compiles a bare `{ type: "json_object" }` as `compileJSONSchema(undefined)`,
 * which xgrammar refuses ("Cannot pass non-string to std::string"), and the built-in JSON
 * grammar that 0.2.79 used there accepts a top-level array and whitespace without end.
 */
export function jsonObjectGrammar(): string {
  const g = new JsonGrammar();
  const root = g.rules.fresh("root");
  g.rules.set(root, g.helper("json_object"));
  return g.rules.toString();
}

/**
 * The EBNF grammar for `response_format: { type: "json_schema" }`: one JSON value that matches
 * `schema`, with bounded whitespace. An alternative to WebLLM's own rewrite (`{ type:
 * "json_object", schema }`), whose grammar lets whitespace run on without end.
 *
 * @throws BadRequestError (with `param`) when `checkSchema` refuses the schema.
 */
export function jsonSchemaGrammar(schema: unknown, param = "response_format"): string {
  checkSchema(schema, param);
  const g = new JsonGrammar();
  const top = g.document(schema as Record<string, unknown>, "root");
  // A root that says nothing (`{}`) is the shared `json_object` rule, which needs a name `root`.
  if (top !== "root") g.rules.set("root", top);
  return g.rules.toString();
}
