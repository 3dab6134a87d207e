import { deleteModelAllInfoInCache } from "@mlc-ai/web-llm";
import type { ModelRecord } from "../../openai/models.js";
import type { Catalog } from "./catalog.js";
import { deleteModelFiles } from "./storage/inspect.js";
import { modelLibUrl } from "./urls.js";

/**
 * Removes every stored file of `record` from whichever store is in use. A model library that
 * another stored model also uses is kept. Where pagellm does not manage the store (OPFS,
 * cross-origin, package manifests), WebLLM's own `deleteModelAllInfoInCache` does it.
 */
export async function deleteStoredModel(record: ModelRecord, catalog: Catalog): Promise<void> {
  const store = catalog.storeFor(record);
  if (!store) {
    await deleteModelAllInfoInCache(record.model_id, catalog.appConfig());
    return;
  }
  const lib = modelLibUrl(record.model_lib).url;
  const sharers = catalog.all().filter((r) => r.model_id !== record.model_id && modelLibUrl(r.model_lib).url === lib);
  const shared = (await Promise.all(sharers.map(async (r) => (await catalog.inspect(r)).bytes !== null))).some(Boolean);
  await deleteModelFiles(record, store, shared);
}
