// Scenario (c): WebLLM's own worker protocol, unmodified. The real `WebWorkerMLCEngineHandler`
// answers the real `WebWorkerMLCEngine` client on the page; only its `engine` is swapped, since
// the handler builds its own `MLCEngine` in its constructor and offers no way to inject one.
import { WebWorkerMLCEngineHandler } from "@mlc-ai/web-llm";
import { SyntheticMLCEngine } from "./webllm-engine.js";

const handler = new WebWorkerMLCEngineHandler();
handler.engine = new SyntheticMLCEngine().asEngine();
// What WebLLM's docs tell apps to write in their worker.
self.onmessage = (msg: MessageEvent) => handler.onmessage(msg);
