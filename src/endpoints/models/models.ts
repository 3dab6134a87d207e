import { BadRequestError } from "../../errors/classes.js";
import { modelNotFound } from "../../errors/not-found.js";
import type { ModelInfo, ModelList } from "../../openai/models.js";
import type { Connection } from "../../rpc/connection.js";

/** `engine.models`. */
export class Models {
  constructor(private readonly live: () => Promise<Connection>) {}

  /** Every model this engine can load, in OpenAI's list shape. */
  async list(): Promise<ModelList> {
    return { object: "list", data: await (await this.live()).ask((host) => host.listModels()) };
  }

  /** One model; rejects with `NotFoundError` for an unknown id. */
  async retrieve(id: string): Promise<ModelInfo> {
    if (typeof id !== "string" || id === "") throw new BadRequestError("A model id is required.", "model");
    const found = (await this.list()).data.find((m) => m.id === id);
    if (!found) throw modelNotFound(id);
    return found;
  }
}
