import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { synthesizeModel, type SyntheticModel, type SyntheticModelOptions } from "../../src/synthetic/model.js";

/** What {@link writeSyntheticModel} wrote. */
export interface WrittenModel {
  model: SyntheticModel;
  dir: string;
  files: string[];
  bytes: number;
}

/**
 * Generates the synthetic model of the library at `libPath` into `outDir`, replacing what was
 * there, one shard at a time so that memory stays at one shard.
 */
export function writeSyntheticModel(libPath: string, outDir: string, options: SyntheticModelOptions = {}): WrittenModel {
  const model = synthesizeModel(new Uint8Array(readFileSync(libPath)), options);
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const files: string[] = [];
  let bytes = 0;
  for (const f of model.files()) {
    writeFileSync(join(outDir, f.path), f.bytes);
    files.push(f.path);
    bytes += f.bytes.length;
  }
  return { model, dir: outDir, files, bytes };
}
