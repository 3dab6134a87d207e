import { ModelLoadError } from "../../../errors/classes.js";
import type { ModelRecord } from "../../../openai/models.js";
import { ERROR_MESSAGES } from "../internals.js";
import { manifestFile, parseManifest, shardFiles } from "./files.js";
import type { ModelStore } from "./store.js";

/**
 * After WebLLM failed because a stored shard is shorter than its manifest says (left by an
 * interrupted download in a store whose sizes are costly to check up front, such as
 * IndexedDB), finds every such shard and deletes it, so that the next load fetches it again.
 * Answers the error to report, or null when nothing was damaged.
 */
export async function repairShards(err: unknown, record: ModelRecord, store: ModelStore | null): Promise<ModelLoadError | null> {
  const message = (err as { message?: unknown } | null)?.message;
  if (!store || typeof message !== "string" || !message.includes(ERROR_MESSAGES.shardSize)) return null;
  const mf = manifestFile(record);
  const manifest = parseManifest(await store.json(mf.scope, mf.url).catch(() => null));
  if (!manifest) return null;
  const damaged: string[] = [];
  for (const s of shardFiles(record, manifest)) {
    const size = await store.size(s.scope, s.url).catch(() => null);
    if (size !== null && size !== s.bytes) {
      await store.delete(s.scope, s.url);
      damaged.push(s.url);
    }
  }
  if (damaged.length === 0) return null;
  return new ModelLoadError(
    `${damaged.length} stored weight file(s) of model "${record.model_id}" were shorter than tensor-cache.json says (an interrupted download): ` +
      `${damaged.join(", ")}. pagellm deleted them; load again to fetch them.`,
    damaged[0] ?? null,
    null,
  );
}
