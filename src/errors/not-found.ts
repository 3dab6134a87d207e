import { NotFoundError } from "./classes.js";

/** The one wording of "this model id is not in the catalog", for every layer that finds out. */
export const modelNotFound = (id: string): NotFoundError =>
  new NotFoundError(`The model '${id}' does not exist. Call models.list() for the ids this engine can load.`);
