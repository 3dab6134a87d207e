/**
 * pagellm's test kit: a deterministic backend for apps that test their chat features with no
 * GPU. Serve it from a worker with `serve({ backend: fakeBackend() })`.
 */
export { fakeBackend } from "./backends/fake/fake.js";
export type { FakeBackendOptions, FakeModel } from "./backends/fake/fake.js";
export { tokenize } from "./backends/fake/tokenizer.js";
