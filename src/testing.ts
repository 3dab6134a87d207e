/**
 * pagellm's test kit: a deterministic backend for apps that test their chat features with no
 * GPU. Serve it from a worker with `serve({ backend: fakeBackend() })`.
 */
export { fakeBackend } from "./backends/fake/fake.js";
export type { FakeBackendOptions, FakeModel, FakeRequest } from "./backends/fake/fake.js";
export { tokenize } from "./backends/fake/tokenizer.js";
export { toolCallText } from "./backends/fake/tool-call-text.js";
export type { ScriptedCall } from "./backends/fake/tool-call-text.js";
/**
 * Synthetic models: random weights, a byte-level tokenizer and a chat config generated from a
 * WebLLM model library's own metadata, so that the real engine runs in CI without downloading
 * weights. Works in a browser and in Node.
 */
export { synthesizeModel, synthesizeFromMetadata } from "./synthetic/model.js";
export type { SyntheticFile, SyntheticModel, SyntheticModelOptions } from "./synthetic/model.js";
export { readLibraryMetadata } from "./synthetic/wasm-metadata.js";
export type { LibraryMetadata, LibraryParam } from "./synthetic/wasm-metadata.js";
export { countTokens as countSyntheticTokens, SPECIAL_TOKENS as SYNTHETIC_SPECIAL_TOKENS } from "./synthetic/tokenizer.js";
export type { SpecialTokenIds } from "./synthetic/tokenizer.js";
export type { ShardRecord, TensorCache, TensorRecord } from "./synthetic/weights.js";
