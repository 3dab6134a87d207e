/**
 * pagellm's test kit: a deterministic backend for apps that test their chat features with no
 * GPU. Serve it from a worker with `serve({ backend: fakeBackend() })`.
 */
export { fakeBackend } from "./testing/fake.js";
export type { FakeBackendOptions, FakeModel } from "./testing/fake.js";
export { tokenize } from "./testing/tokenizer.js";
