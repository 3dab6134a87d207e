import { BadRequestError } from "../../errors/classes.js";
import { modelNotFound } from "../../errors/not-found.js";
import type { ModelDeleted, ModelInfo, ModelList } from "../../openai/models.js";
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

  /**
   * Removes every stored file of a model (config, library, tokenizer, weights) from the
   * browser's storage, unloading it first when it is loaded, as OpenAI's `models.delete` answers:
   * `{ id, object: "model", deleted: true }`. Rejects with `NotFoundError` for an unknown id. The
   * model stays in the catalog; its next load downloads it again.
   */
  async delete(id: string): Promise<ModelDeleted> {
    if (typeof id !== "string" || id === "") throw new BadRequestError("A model id is required.", "model");
    return (await this.live()).ask((host) => host.deleteModel(id));
  }
}
