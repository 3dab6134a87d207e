import type { ModelRecord } from "../../openai/models.js";
import type { Catalog } from "./catalog.js";
import { probeConfig, probeLibrary, type ChatConfigFile } from "./preflight.js";
import type { ProgressReporter } from "./progress.js";
import { prepareModel } from "./storage/prepare.js";
import type { StorageEstimator } from "./storage/quota.js";
import { chatConfigUrl, modelLibUrl } from "./urls.js";

/**
 * Everything a load does with files before WebLLM's `reload`. Where pagellm manages the store,
 * it downloads and checks every file itself (storage/prepare.ts), so WebLLM only reads storage;
 * elsewhere (OPFS, cross-origin, package manifests) it only probes the config and the library,
 * and WebLLM downloads. Answers the config, when it was read.
 */
export async function beforeReload(
  record: ModelRecord,
  catalog: Catalog,
  progress: ProgressReporter,
  signal: AbortSignal,
  estimator: StorageEstimator | undefined,
): Promise<ChatConfigFile | null> {
  const store = catalog.storeFor(record);
  // The context window is known from the config on, even when a later file fails.
  const onConfig = (config: ChatConfigFile): void => {
    const tokens = Number(record.overrides?.context_window_size ?? config.context_window_size);
    if (tokens > 0) catalog.learnContextWindow(record.model_id, tokens);
  };
  if (store) {
    const prepared = await prepareModel({ record, store, progress, signal, estimator, onConfig });
    catalog.learnSize(record.model_id, prepared.totalBytes);
    return prepared.config;
  }
  progress.report("fetch-config", `Fetching ${chatConfigUrl(record.model)}`);
  const config = await probeConfig(record, catalog, signal);
  if (config) onConfig(config);
  progress.report("fetch-library", `Checking the model library ${modelLibUrl(record.model_lib).url}`);
  await probeLibrary(record, catalog, signal);
  return config;
}
