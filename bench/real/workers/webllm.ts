// Scenario "webllm": WebLLM's own worker, as its docs tell apps to write it.
import { WebWorkerMLCEngineHandler } from "@mlc-ai/web-llm";
import { installImportStubs } from "../../../test/webllm/fixtures/import-stubs.js";

installImportStubs();
const handler = new WebWorkerMLCEngineHandler();
self.onmessage = (msg: MessageEvent) => handler.onmessage(msg);
