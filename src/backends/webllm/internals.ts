/**
 * Everything of WebLLM that the adapter relies on beyond its typed public API: members that are
 * private in its types, strings it produces, and rules it applies. WebLLM can change any of them
 * in a patch release without a type error, so they are named here once, the adapter reads them
 * through these names, and `missingInternals` (run by test/node/webllm-contract.test.ts against
 * the installed build) says which ones a build no longer has.
 */

/** The WebLLM release pagellm is tested against; package.json pins exactly this version. */
export const WEBLLM_VERSION = "0.2.86";

/**
 * Module exports the adapter uses at run time, with the shape it relies on. The contract test
 * also checks that every value import of "@mlc-ai/web-llm" in src/ is listed here.
 */
export const EXPORTS = {
  MLCEngine: "class",
  hasModelInCache: "function",
  deleteModelWasmInCache: "function",
  deleteModelAllInfoInCache: "function",
  prebuiltAppConfig: "app config",
  functionCallingModelIds: "string array",
} as const;

/** Public `MLCEngine` methods the adapter calls (typed, but a build could still drop one). */
export const ENGINE_METHODS = ["reload", "unload", "chatCompletion", "interruptGenerate", "setAppConfig"] as const;

/** The `MLCEngine` instance field, private in its types, that maps a loaded model id to its pipeline. */
export const ENGINE_PIPELINES = "loadedModelIdToPipeline";

/** The class of those pipelines. It is not exported; `reload` constructs it. */
export const PIPELINE_CLASS = "LLMChatPipeline";

/** Number fields of a pipeline that exact usage needs; WebLLM sets them in the constructor. */
export const PIPELINE_FIELDS = { kvCacheLength: "filledKVCacheLength" } as const;

/** Argument-less methods of a pipeline that exact usage and logprobs need. */
export const PIPELINE_METHODS = {
  decodedTokens: "getCurRoundDecodingTotalTokens",
  completionTokens: "getCurRoundCompletionTotalTokens",
  prefilledTokens: "getCurRoundPrefillTotalTokens",
  logprobs: "getTokenLogprobArray",
} as const;

/**
 * The way from a pipeline to its `GPUDevice`: `pipeline.tvm.lib.webGPUContext.device`, each
 * step with the assignment that makes it in WebLLM's bundled source. pagellm watches that
 * device's `lost` promise, because a loss between requests reaches WebLLM's engine only.
 */
export const DEVICE_PATH = [
  { key: "tvm", source: "this.tvm = tvm;" },
  { key: "lib", source: "this.lib = " },
  { key: "webGPUContext", source: "this.lib.webGPUContext = webGPUContext;" },
  { key: "device", source: "this.device = device;" },
] as const;

/** `ModelRecord.model_type` of an embedding model (WebLLM's `ModelType.embedding`). */
export const MODEL_TYPE_EMBEDDING = 1;

/**
 * Cache Storage scopes WebLLM keeps a model's files in. Preflight looks in `config` and `wasm`;
 * `hasModelInCache`, which decides `ModelInfo.cached`, reads `model`.
 */
export const CACHE_SCOPES = { config: "webllm/config", wasm: "webllm/wasm", model: "webllm/model" } as const;

/**
 * How WebLLM's `ArtifactIndexedDBCache` lays out the `"indexeddb"` cache backend: one database
 * per scope at this version, one object store keyed by URL, rows `{ data, url }`, where `data`
 * is parsed JSON for `tensor-cache.json` and bytes for every other file; and the source lines
 * that say so.
 */
export const IDB_LAYOUT = {
  version: 1,
  store: "urls",
  key: "url",
  source: ["this.dbVersion = 1", "indexedDB.open(this.dbName, this.dbVersion)", "createObjectStore('urls', { keyPath: 'url' })", "store.add({ data, url })", 'artifactCache.fetchWithCache(jsonUrl, "json"'],
} as const;

/**
 * WebLLM's URL rules (its `cleanModelUrl` and `fetchWasmSource`): a model URL gets `resolve/main/`
 * appended unless it already has `/resolve/<branch>/`, and a `model_lib` URL that contains
 * "localhost" is fetched plainly, never through Cache Storage.
 */
export const MODEL_URL = {
  branch: "resolve/main/",
  hasBranch: /.+\/resolve\/.+\//,
  uncachedLibHost: "localhost",
  chatConfig: "mlc-chat-config.json",
  tensorCache: "tensor-cache.json",
  /** The tokenizer files WebLLM reads, in its order of preference: only the first one listed in the config's `tokenizer_files`. */
  tokenizers: ["tokenizer.json", "tokenizer.model"],
} as const;

/**
 * The smallest adapter limits WebLLM's `detectGPUDevice` accepts (it asks for more, then falls
 * back to these). Below any of them no model can run, so pagellm says so before a download.
 * Plain numbers, so that the page's `judgeModel` pays for nothing else of this file.
 */
export const WEBGPU_MINIMUMS = {
  maxBufferSize: 1 << 28,
  maxStorageBufferBindingSize: 1 << 27,
  maxComputeWorkgroupStorageSize: 32 << 10,
  maxStorageBuffersPerShaderStage: 10,
} as const;

/** The assignments that state `WEBGPU_MINIMUMS` in WebLLM's source. */
export const WEBGPU_MINIMUM_SOURCES: Record<keyof typeof WEBGPU_MINIMUMS, string> = {
  maxBufferSize: "backupRequiredMaxBufferSize = 1 << 28",
  maxStorageBufferBindingSize: "backupRequiredMaxStorageBufferBindingSize = 1 << 27",
  maxComputeWorkgroupStorageSize: "requiredMaxComputeWorkgroupStorageSize = 32 << 10",
  maxStorageBuffersPerShaderStage: "requiredMaxStorageBuffersPerShaderStage = 10",
};

/**
 * How WebLLM's `InitProgressReport.text` starts in each load phase, and the units after the
 * megabytes it names ("123MB fetched. "). The report carries nothing else to tell phases apart.
 */
export const PROGRESS_TEXT = {
  fetchWeights: ["Fetching param cache", "Start to fetch params"],
  upload: ["Loading model from cache"],
  compile: ["Loading GPU shader modules"],
  ready: ["Finish loading"],
  units: ["MB fetched", "MB loaded"],
} as const;

/**
 * Names of WebLLM's error classes that errors.ts maps. WebLLM exports only `IntegrityError`, so
 * the rest are told apart by `err.name`. `RangeError` is WebLLM's own class of that name, whose
 * messages start with "Make sure".
 */
export const ERROR_NAMES = {
  webgpuUnavailable: "WebGPUNotAvailableError",
  webgpuNotFound: "WebGPUNotFoundError",
  shaderF16: "ShaderF16SupportError",
  feature: "FeatureSupportError",
  deviceLost: "DeviceLostError",
  modelNotLoaded: "ModelNotLoadedError",
  contextWindow: "ContextWindowSizeExceededError",
  modelNotFound: "ModelNotFoundError",
  integrity: "IntegrityError",
  range: "RangeError",
  grammarInit: "GrammarMatcherInitError",
} as const;

/** WebLLM's error classes for a request it refuses; errors.ts answers them with a 400. */
export const REQUEST_ERROR_NAMES = [
  "MessageOrderError",
  "SystemMessageOrderError",
  "UnsupportedRoleError",
  "ContentTypeError",
  "UserMessageContentErrorForNonVLM",
  "MultipleTextContentError",
  "UnsupportedContentPartError",
  "SeedTypeError",
  "InvalidResponseFormatError",
  "InvalidResponseFormatGrammarError",
  "InvalidResponseFormatStructuralTagError",
  "CustomResponseFormatError",
  "CustomSystemPromptError",
  "StreamingCountError",
  "UnsupportedFieldsError",
  "ConfigValueError",
  "MinValueError",
  "NonNegativeError",
  "InvalidNumberStringError",
  "DependencyError",
] as const;

/**
 * Texts that errors.ts looks for in messages: WebLLM's bundled TVM runtime throws plain `Error`s,
 * and WebLLM's `RangeError` shares its name with the built-in one.
 */
export const ERROR_MESSAGES = {
  noAdapter: "Unable to find a compatible GPU",
  limits: "Cannot initialize runtime because of requested max",
  range: "Make sure",
  /** tvmjs, when a stored shard is shorter than its records say ("… exceeds shard size 123"). */
  shardSize: "shard size",
} as const;

/** What `missingInternals` inspects: one WebLLM build, reached without a GPU. */
export interface WebLLMBuild {
  /** The module namespace, as `import("@mlc-ai/web-llm")` gives it. */
  exports: Readonly<Record<string, unknown>>;
  /** A `new MLCEngine()`, which constructs without a GPU. */
  engine: unknown;
  /** The `LLMChatPipeline` class, or `undefined` where the caller could not reach it. */
  pipelineClass: unknown;
  /** The module's bundled source: progress texts, cache scopes and error names exist only there. */
  source: string;
}

const field = (o: unknown, key: string): unknown => (o !== null && (typeof o === "object" || typeof o === "function") ? (o as Record<string, unknown>)[key] : undefined);

const isRecordList = (v: unknown): boolean =>
  Array.isArray(v) && v.every((r) => typeof field(r, "model_id") === "string" && typeof field(r, "model") === "string" && typeof field(r, "model_lib") === "string");

const SHAPES: Record<(typeof EXPORTS)[keyof typeof EXPORTS], (v: unknown) => boolean> = {
  class: (v) => typeof v === "function" && typeof v.prototype === "object",
  function: (v) => typeof v === "function",
  "app config": (v) => isRecordList(field(v, "model_list")),
  "string array": (v) => Array.isArray(v) && v.every((x) => typeof x === "string"),
};

/** Whether `source` has a string literal (any quote) that starts with `text`. */
const hasLiteral = (source: string, text: string): boolean => ['"', "'", "`"].some((q) => source.includes(q + text));

/**
 * The pipeline members an instance lacks, as "LLMChatPipeline.<name> (kind)". The adapter runs
 * this on the live pipeline; an empty list means exact usage can be read.
 */
export function missingPipelineMembers(pipeline: unknown): string[] {
  const out: string[] = [];
  for (const f of Object.values(PIPELINE_FIELDS)) if (typeof field(pipeline, f) !== "number") out.push(`${PIPELINE_CLASS}.${f} (a number field)`);
  for (const m of Object.values(PIPELINE_METHODS)) if (typeof field(pipeline, m) !== "function") out.push(`${PIPELINE_CLASS}.${m}() (a method)`);
  return out;
}

/** The pipeline class's problems: it must have the methods, and its constructor must set the fields. */
function missingInPipelineClass(cls: unknown): string[] {
  if (typeof cls !== "function") return [`${PIPELINE_CLASS}: the class could not be reached in the module`];
  const out: string[] = [];
  if (cls.name !== PIPELINE_CLASS) out.push(`${PIPELINE_CLASS}: the class reached is named "${cls.name}"`);
  const proto = field(cls, "prototype");
  for (const m of Object.values(PIPELINE_METHODS)) {
    const fn = field(proto, m);
    if (typeof fn !== "function") out.push(`${PIPELINE_CLASS}.prototype.${m}: not a method`);
    else if (fn.length !== 0) out.push(`${PIPELINE_CLASS}.prototype.${m}: takes ${fn.length} arguments, not 0`);
  }
  // Instance fields live on no prototype: the class's own text must assign each one a number.
  const text = Function.prototype.toString.call(cls);
  for (const f of Object.values(PIPELINE_FIELDS)) {
    if (!new RegExp(`this\\.${f}\\s*=\\s*\\d`).test(text)) out.push(`${PIPELINE_CLASS}.${f}: not set to a number by its constructor`);
  }
  if (!text.includes(DEVICE_PATH[0].source)) out.push(`${PIPELINE_CLASS}.${DEVICE_PATH[0].key}: not set by its constructor`);
  return out;
}

/** The module's problems: its exports, `MLCEngine`, and what it must construct. */
function missingInModule(mod: Readonly<Record<string, unknown>>, engine: unknown): string[] {
  const out: string[] = [];
  for (const [name, shape] of Object.entries(EXPORTS)) if (!SHAPES[shape](mod[name])) out.push(`export ${name}: not a ${shape}`);
  if (field(mod.ModelType, "embedding") !== MODEL_TYPE_EMBEDDING) out.push(`export ModelType.embedding: not ${MODEL_TYPE_EMBEDDING}`);
  if (mod.TENSOR_CACHE_MANIFEST_FILENAME !== MODEL_URL.tensorCache) out.push(`export TENSOR_CACHE_MANIFEST_FILENAME: not "${MODEL_URL.tensorCache}"`);
  const Integrity = mod[ERROR_NAMES.integrity];
  const integrity: unknown = typeof Integrity === "function" ? Reflect.construct(Integrity, ["u", "e", "a"]) : undefined;
  if (field(integrity, "name") !== ERROR_NAMES.integrity || field(integrity, "url") !== "u") out.push(`export ${ERROR_NAMES.integrity}: no error with .name and .url`);
  const Engine = mod.MLCEngine;
  const proto = field(Engine, "prototype");
  for (const m of ENGINE_METHODS) if (typeof field(proto, m) !== "function") out.push(`MLCEngine.prototype.${m}: not a method`);
  if (!(field(engine, ENGINE_PIPELINES) instanceof Map)) out.push(`MLCEngine#${ENGINE_PIPELINES}: not a Map on a new engine`);
  // Ties the pipeline class that was checked to the map the adapter reads it from.
  const text = typeof Engine === "function" ? Function.prototype.toString.call(Engine) : "";
  if (!text.includes(`new ${PIPELINE_CLASS}(`)) out.push(`MLCEngine: constructs no ${PIPELINE_CLASS}`);
  if (!text.includes(`this.${ENGINE_PIPELINES}.set(`)) out.push(`MLCEngine: never fills ${ENGINE_PIPELINES}`);
  return out;
}

/** The strings in the source that the adapter matches: scopes, URL rules, progress texts, errors. */
function missingInSource(source: string): string[] {
  const out: string[] = [];
  const literal = (what: string, text: string): void => {
    if (!hasLiteral(source, text)) out.push(`${what}: no string "${text}…" in the source`);
  };
  for (const scope of Object.values(CACHE_SCOPES)) literal("cache scope", scope);
  for (const file of [MODEL_URL.branch, MODEL_URL.chatConfig, MODEL_URL.tensorCache]) literal("model URL", file);
  for (const file of MODEL_URL.tokenizers) if (!source.includes(`config.tokenizer_files.includes("${file}")`)) out.push(`tokenizer: WebLLM no longer looks for ${file}`);
  if (!source.includes(String(MODEL_URL.hasBranch))) out.push(`model URL: no rule ${String(MODEL_URL.hasBranch)} in the source`);
  if (!source.includes(`.includes("${MODEL_URL.uncachedLibHost}")`)) out.push(`model_lib URL: no "${MODEL_URL.uncachedLibHost}" rule in the source`);
  for (const [phase, texts] of Object.entries(PROGRESS_TEXT)) for (const t of texts) literal(`progress text (${phase})`, t);
  for (const name of [...Object.values(ERROR_NAMES), ...REQUEST_ERROR_NAMES]) {
    if (!source.includes(`this.name = "${name}"`)) out.push(`error class ${name}: not in the source`);
  }
  for (const [what, text] of Object.entries(ERROR_MESSAGES)) literal(`error message (${what})`, text);
  for (const step of DEVICE_PATH) if (!source.includes(step.source)) out.push(`device path .${step.key}: no "${step.source}" in the source`);
  for (const text of IDB_LAYOUT.source) if (!source.includes(text)) out.push(`IndexedDB layout: no "${text}" in the source`);
  for (const [limit, text] of Object.entries(WEBGPU_MINIMUM_SOURCES)) if (!source.includes(text)) out.push(`WebGPU minimum ${limit}: no "${text}" in the source`);
  return out;
}

/**
 * Every internal the adapter relies on that `build` lacks or has in another shape, one line
 * each; empty when the build is one the adapter fully works with. Pure: it only reads `build`.
 */
export function missingInternals(build: WebLLMBuild): string[] {
  return [...missingInModule(build.exports, build.engine), ...missingInPipelineClass(build.pipelineClass), ...missingInSource(build.source)];
}
