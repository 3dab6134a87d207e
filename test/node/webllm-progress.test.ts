// WebLLM's progress texts (as its bundled TVM runtime builds them in 0.2.86) read as pagellm's
// phases. The contract test checks that the installed WebLLM still has these texts.
import { expect, it } from "vitest";
import { parseWebLLMText } from "../../src/backends/webllm/progress.js";

it.each([
  ["Start to fetch params", { phase: "fetch-weights", mb: null }],
  ["Fetching param cache[3/24]: 118MB fetched. 22% completed, 9 secs elapsed. It can take a while…", { phase: "fetch-weights", mb: 118 }],
  ["Loading model from cache[24/24]: 530MB loaded. 100% completed, 2 secs elapsed.", { phase: "upload", mb: 530 }],
  ["Loading GPU shader modules[12/73]: 16% completed, 30 secs elapsed.", { phase: "compile", mb: null }],
  ["Finish loading on WebGPU - google", { phase: "ready", mb: null }],
  ["Something else: 12MB fetched", { phase: null, mb: 12 }],
  ["Something else", { phase: null, mb: null }],
])("%s", (text, expected) => {
  expect(parseWebLLMText(text)).toEqual(expected);
});
