/// <reference types="vite/client" />

interface ImportMetaEnv {
  /**
   * "1" serves pagellm's fake backend instead of WebLLM. Only the e2e test (and a developer who
   * sets it on purpose) uses it; vite replaces it at build time, so a normal build has no fake.
   */
  readonly VITE_PAGELLM_FAKE?: string;
}
