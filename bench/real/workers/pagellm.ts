// Scenario "pagellm": pagellm's worker exactly as an app writes it, serve() with its default
// WebLLM backend. Every scenario's worker installs the same harness stubs (a no-op unless the
// library imports what the running WebLLM lacks; see test/webllm/fixtures/import-stubs.ts).
import { installImportStubs } from "../../../test/webllm/fixtures/import-stubs.js";
import { serve } from "../../../src/worker.js";

installImportStubs();
serve();
