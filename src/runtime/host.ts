import { BadRequestError } from "../errors/classes.js";
import { serializeError } from "../errors/serialize.js";
import type { ModelDeleted, ModelInfo } from "../openai/models.js";
import type { LoadProgress } from "../openai/models.js";
import { Beacon } from "../rpc/beacon.js";
import { CallPort, openCallPorts } from "../rpc/call-port.js";
import { whenGone } from "../rpc/presence.js";
import type { EndpointName, HostApi, HostConfig, HostStats, ProgressHook, Reply } from "../rpc/wire.js";
import { liveAbortListeners } from "../util/abort.js";
import { chatCompletions } from "../endpoints/chat/handler.js";
import { responsesCreate } from "../endpoints/responses/handler.js";
import { responsesDelete, responsesInputItems, responsesRetrieve } from "../endpoints/responses/stored.js";
import type { EndpointHandler } from "./endpoint.js";
import type { Lane } from "./lane.js";

/** The endpoints a call port serves: one line per endpoint folder. */
const ENDPOINTS: Record<EndpointName, EndpointHandler> = {
  "chat.completions.create": chatCompletions,
  "responses.create": responsesCreate,
  "responses.retrieve": responsesRetrieve,
  "responses.delete": responsesDelete,
  "responses.inputItems.list": responsesInputItems,
};

/** Runs `work` and answers with its value or its error as data: errors never cross as throws. */
async function reply<T>(work: () => Promise<T>): Promise<Reply<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (err) {
    return { ok: false, error: serializeError(err) };
  }
}

/**
 * One connection's API, exposed to its page with comlink. It is exposed at once, before the
 * backend is ready, because a dedicated worker drops messages that arrive while no listener is
 * attached; every method waits for the lane instead.
 */
export class Host implements HostApi {
  private moderate = false;
  private onProgress: ProgressHook | undefined;
  /** This connection's open calls, ended all at once if its page goes away. */
  private readonly calls = new Set<CallPort>();

  constructor(
    private readonly lane: () => Promise<Lane>,
    private readonly beacon: Beacon = new Beacon(),
    private readonly serveOn: (port: MessagePort) => void = () => {},
  ) {}

  attach(port: MessagePort): void {
    this.serveOn(port);
  }

  watch(port: MessagePort): void {
    this.beacon.watch(port);
  }

  configure(config: HostConfig, onProgress?: ProgressHook): Promise<Reply<void>> {
    return reply(async () => {
      this.moderate = config.moderate === true;
      this.onProgress = onProgress;
      // A page that goes away (a closed tab) ends its calls at once, running or queued.
      if (config.presence) whenGone(config.presence, () => [...this.calls].forEach((c) => c.abandon()));
      const lane = await this.lane();
      if (config.models?.length) {
        if (!lane.backend.addModels) throw new BadRequestError("This backend does not take extra model records.", "models");
        lane.backend.addModels(config.models);
        lane.forget();
      }
    });
  }

  listModels(): Promise<Reply<ModelInfo[]>> {
    return reply(async () => (await this.lane()).models());
  }

  deleteModel(id: string): Promise<Reply<ModelDeleted>> {
    return reply(async () => {
      const lane = await this.lane();
      await lane.find(id);
      await lane.queue.push(() => lane.deleteModel(id), new AbortController().signal, this);
      return { id, object: "model" as const, deleted: true };
    });
  }

  call(endpoint: EndpointName, params: unknown, port: MessagePort): void {
    const call = new CallPort(port, this.calls);
    const handler = ENDPOINTS[endpoint];
    const onProgress = (p: LoadProgress): void => void this.onProgress?.(p);
    void this.lane()
      .then((lane) => {
        if (!handler) throw new BadRequestError(`Unknown endpoint '${String(endpoint)}'.`, null);
        return handler(params, { lane, call, moderate: this.moderate, onProgress, owner: this });
      })
      .catch((err: unknown) => call.fail(err));
  }

  load(model: string, port: MessagePort): void {
    const call = new CallPort(port, this.calls);
    const progress = (p: LoadProgress): void => call.post({ t: "progress", progress: p });
    void this.lane()
      .then(async (lane) => {
        await lane.find(model);
        lane.checkSwitch(model, this);
        await lane.queue.push(() => lane.ensureLoaded(model, call.signal, progress), call.signal, this);
        call.post({ t: "loaded" });
        call.close();
      })
      .catch((err: unknown) => call.fail(err));
  }

  unload(): Promise<Reply<void>> {
    return reply(async () => {
      const lane = await this.lane();
      await lane.queue.push(() => lane.unload(), new AbortController().signal, this);
    });
  }

  stats(): Promise<Reply<HostStats>> {
    return reply(async () => {
      const lane = await this.lane();
      return {
        openPorts: openCallPorts(),
        listeners: liveAbortListeners(),
        queued: lane.queue.queued,
        running: lane.queue.running,
        loaded: lane.loaded,
      };
    });
  }
}
