import {
  APIError,
  ContextLengthExceededError,
  InternalServerError,
  Stream,
  type ChatCompletion,
  type ChatCompletionChunk,
  type CompletionUsage,
  type Engine,
} from "../../../src/index.js";
import { schemaErrors } from "../../support/schema.js";
import type { Case } from "./requests.js";

// The fuzzer's oracle. A case passes when the engine answers within the time limit with either a
// schema-valid completion (or stream) or a schema-valid OpenAI error of the class and `param`
// the case expects. Anything else (a hang, a bare Error, a 500, a malformed chunk) is a failure,
// returned as text so that fast-check can shrink it and print it.

type Body = Record<string, unknown> | undefined;

const HANG = Symbol("hang");

function within<T>(p: Promise<T>, ms: number): Promise<T | typeof HANG> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const limit = new Promise<typeof HANG>((resolve) => (timer = setTimeout(() => resolve(HANG), ms)));
  return Promise.race([p, limit]).finally(() => clearTimeout(timer));
}

function usageProblem(u: CompletionUsage | null | undefined, maxTokens: number | null): string | null {
  if (!u) return "no usage";
  if (u.total_tokens !== u.prompt_tokens + u.completion_tokens) return `usage does not add up: ${JSON.stringify(u)}`;
  if (maxTokens !== null && u.completion_tokens > maxTokens) return `completion_tokens ${u.completion_tokens} > max_tokens ${maxTokens}`;
  return null;
}

function completionProblem(r: ChatCompletion, body: Body): string | null {
  const errors = schemaErrors("CreateChatCompletionResponse", r);
  if (errors) return `completion fails the schema: ${errors}`;
  if (!/^chatcmpl-/.test(r.id)) return `bad id ${r.id}`;
  if (r.model !== body?.model) return `model ${r.model} is not the requested ${String(body?.model)}`;
  const max = (body?.max_completion_tokens ?? body?.max_tokens ?? null) as number | null;
  return usageProblem(r.usage, max);
}

async function streamProblem(s: Stream<ChatCompletionChunk>, body: Body, timeoutMs: number): Promise<string | null> {
  const chunks: ChatCompletionChunk[] = [];
  const read = (async () => {
    for await (const c of s) chunks.push(c);
  })();
  const done = await within(read, timeoutMs);
  if (done === HANG) return `stream hung after ${chunks.length} chunks`;
  for (const c of chunks) {
    const errors = schemaErrors("CreateChatCompletionStreamResponse", c);
    if (errors) return `chunk fails the schema: ${errors}`;
  }
  const first = chunks[0];
  if (!first || first.choices[0]?.delta.role !== "assistant") return "the first chunk carries no role";
  if (chunks.some((c) => c.id !== first.id)) return "chunks of one stream carry different ids";
  const finishes = chunks.filter((c) => c.choices[0]?.finish_reason);
  if (finishes.length !== 1) return `${finishes.length} chunks carry a finish_reason`;
  const options = body?.stream_options as { include_usage?: boolean } | undefined;
  if (options?.include_usage) {
    const last = chunks.at(-1);
    if (last?.choices.length !== 0) return "the usage chunk is not last, or has choices";
    const max = (body?.max_completion_tokens ?? body?.max_tokens ?? null) as number | null;
    return usageProblem(last.usage, max);
  }
  return null;
}

function errorProblem(err: unknown, c: Case): string | null {
  if (!(err instanceof APIError)) return `rejected with a bare ${describeError(err)}`;
  if (err instanceof InternalServerError || (err.status ?? 0) >= 500) return `a ${err.status} ${err.name}: ${err.message.slice(0, 300)}`;
  const json = err.toJSON();
  const errors = schemaErrors("ErrorResponse", json);
  if (errors) return `error body fails the schema: ${errors}`;
  const body = c.body as Body;
  switch (c.expect.kind) {
    case "either":
      return err.status === 400 || err.status === 404 ? null : `status ${err.status}`;
    case "valid":
      if (err instanceof ContextLengthExceededError) return null;
      // The small model has no tool support; refusing tools there is right.
      if (body?.model === "tiny" && err.param === "tools") return null;
      return `a valid request failed: ${err.name} ${err.status} param=${err.param}: ${err.message.slice(0, 300)}`;
    case "invalid": {
      const status = c.expect.status ?? 400;
      if (err.status !== status) return `expected ${status}, got ${err.status} ${err.name} param=${err.param}: ${err.message.slice(0, 200)}`;
      const ok = c.expect.params.some((p) => (p === null ? err.param === null : err.param !== null && err.param.startsWith(p)));
      return ok ? null : `param ${JSON.stringify(err.param)} does not name ${JSON.stringify(c.expect.params)}: ${err.message.slice(0, 200)}`;
    }
  }
}

function describeError(err: unknown): string {
  if (err instanceof Error) return `${err.constructor.name}(${err.name}): ${err.message.slice(0, 200)}`;
  return typeof err;
}

/** Runs one case; null when it passed, or what went wrong. */
export async function checkCase(engine: Engine, c: Case, timeoutMs = 20_000): Promise<string | null> {
  const body = (typeof c.body === "object" && c.body !== null ? c.body : undefined) as Body;
  let outcome: ChatCompletion | Stream<ChatCompletionChunk> | typeof HANG;
  try {
    outcome = await within(engine.chat.completions.create(c.body as never), timeoutMs);
  } catch (err) {
    return errorProblem(err, c);
  }
  if (outcome === HANG) return `create() hung for ${timeoutMs} ms`;
  if (c.expect.kind === "invalid") return `expected a ${c.expect.status ?? 400} naming ${JSON.stringify(c.expect.params)}, got a reply`;
  try {
    return outcome instanceof Stream ? await streamProblem(outcome, body, timeoutMs) : completionProblem(outcome, body);
  } catch (err) {
    return `the reply failed while reading: ${describeError(err)}`;
  }
}
