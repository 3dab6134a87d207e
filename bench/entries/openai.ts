// What a page imports to use the official OpenAI SDK (for example over `engine.fetch`).
export { default as OpenAI } from "openai";
