import { APIUserAbortError, BadRequestError } from "../../errors/classes.js";
import type { ChatCompletionChunk } from "../../openai/chat.js";
import type { CallPort } from "../../rpc/call-port.js";
import type { EndpointHandler } from "../../runtime/endpoint.js";
import { assemble } from "./assemble.js";
import { checkCapabilities } from "./capabilities.js";
import { generateRequestFor } from "./constraint.js";
import { runPipeline } from "./pipeline.js";
import { validateRequest } from "./validate.js";

/**
 * The worker side of `chat.completions.create`: validation, the checks that need the catalog and
 * the backend, then one job on the lane that loads the model if needed and runs the pipeline.
 * Everything that can fail without the GPU fails before the request is queued.
 */
export const chatCompletions: EndpointHandler = async (params, { lane, call, moderate, onProgress, owner }) => {
  const req = validateRequest(params);
  const model = await lane.find(req.model);
  checkCapabilities(req, lane.backend.capabilities);
  if (req.tools.length > 0 && req.tool_choice !== "none" && !model.tools) {
    throw new BadRequestError(`The model '${req.model}' does not support tool calling. Pick a model whose models.list() entry has tools: true.`, "tools");
  }
  lane.checkSwitch(req.model, owner);
  const generate = generateRequestFor(req, lane.backend.capabilities);
  // Before the queue and before any load: an oversized prompt fails at once.
  await lane.backend.preflight?.(generate);
  await lane.queue.push(async () => {
    await lane.ensureLoaded(req.model, call.signal, onProgress);
    // A non-streamed reply always counts usage; a stream only when asked, as OpenAI does.
    const run = runPipeline({ ...req, include_usage: req.stream ? req.include_usage : true }, generate, {
      backend: lane,
      signal: call.signal,
      moderate: moderate ? (text) => call.moderate(text) : undefined,
    });
    await deliver(run, req.stream, call);
  }, call.signal, owner);
  call.close();
};

/** Sends a run to the page: chunk by chunk under flow control, or as one assembled completion. */
async function deliver(run: AsyncGenerator<ChatCompletionChunk>, stream: boolean, call: CallPort): Promise<void> {
  if (stream) {
    for await (const chunk of run) await call.send({ t: "chunk", chunk });
    call.post({ t: "end" });
  } else {
    const chunks: ChatCompletionChunk[] = [];
    for await (const chunk of run) chunks.push(chunk);
    if (call.signal.aborted) throw new APIUserAbortError();
    call.post({ t: "result", result: assemble(chunks) });
  }
}
