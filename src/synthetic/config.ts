import type { LibraryMetadata } from "./wasm-metadata.js";
import type { SpecialTokenIds } from "./tokenizer.js";

/** Options of {@link buildChatConfig}. */
export interface ChatConfigOptions {
  /** The default system message of the conversation template. */
  systemMessage?: string;
  /** A context window smaller than the one the library was compiled for. */
  contextWindowSize?: number;
}

/** The system message that WebLLM renders when a request has none. */
export const DEFAULT_SYSTEM_MESSAGE = "You are a synthetic test model.";

/**
 * `mlc-chat-config.json` for the synthetic model, in the shape MLC writes for a ChatML model
 * such as Qwen2 (its `conv_template` is what WebLLM renders prompts with). Model-level values come
 * from the library's metadata, so that WebLLM allocates the KV cache the kernels were compiled
 * for; the sampling defaults are neutral (temperature 1, top_p 1, no penalties), so that a
 * request's own parameters are the only ones in play.
 */
export function buildChatConfig(meta: LibraryMetadata, vocabSize: number, ids: SpecialTokenIds, options: ChatConfigOptions = {}): Record<string, unknown> {
  const compiled = meta.context_window_size;
  const contextWindow = options.contextWindowSize ?? compiled;
  if (compiled > 0 && (contextWindow <= 0 || contextWindow > compiled)) {
    throw new Error(`The context window must be between 1 and ${compiled}, the size the library was compiled for; got ${contextWindow}.`);
  }
  return {
    version: "0.1.0",
    model_type: meta.model_type,
    quantization: meta.quantization,
    model_config: {
      ...meta.kv_cache,
      vocab_size: vocabSize,
      context_window_size: contextWindow,
      prefill_chunk_size: meta.prefill_chunk_size,
      tensor_parallel_shards: meta.tensor_parallel_shards ?? 1,
    },
    vocab_size: vocabSize,
    context_window_size: contextWindow,
    sliding_window_size: meta.sliding_window_size,
    prefill_chunk_size: meta.prefill_chunk_size,
    attention_sink_size: meta.attention_sink_size,
    tensor_parallel_shards: meta.tensor_parallel_shards ?? 1,
    temperature: 1.0,
    presence_penalty: 0.0,
    frequency_penalty: 0.0,
    repetition_penalty: 1.0,
    top_p: 1.0,
    tokenizer_files: ["tokenizer.json"],
    tokenizer_info: { token_postproc_method: "byte_level", prepend_space_in_encode: false, strip_space_in_decode: false },
    conv_template: {
      name: "chatml",
      system_template: "<|im_start|>system\n{system_message}<|im_end|>\n",
      system_message: options.systemMessage ?? DEFAULT_SYSTEM_MESSAGE,
      system_prefix_token_ids: null,
      add_role_after_system_message: true,
      roles: { user: "<|im_start|>user", assistant: "<|im_start|>assistant" },
      role_templates: { user: "{user_message}", assistant: "{assistant_message}", tool: "{tool_message}" },
      messages: [],
      seps: ["<|im_end|>\n"],
      role_content_sep: "\n",
      role_empty_sep: "\n",
      stop_str: ["<|endoftext|>", "<|im_end|>"],
      stop_token_ids: [ids.endoftext, ids.im_end],
      function_string: "",
      use_function_calling: false,
    },
    pad_token_id: ids.endoftext,
    eos_token_id: [ids.im_end, ids.endoftext],
  };
}
