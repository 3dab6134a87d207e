// What a page imports to talk to WebLLM's own worker: its client, and nothing else.
export { CreateWebWorkerMLCEngine } from "@mlc-ai/web-llm";
