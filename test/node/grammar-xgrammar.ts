import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type * as XG from "@mlc-ai/web-xgrammar";

/**
 * WebLLM's grammar engine in Node, for the grammar tests. web-xgrammar 0.1.27 ships one UMD file
 * in a `"type": "module"` package: imported as ESM it finds no `exports`, falls back to
 * `globalThis.xgrammar`, and its Emscripten loader then calls a `require` that ESM lacks. Run as
 * the CommonJS module it is written as, it needs no globals; its wasm is inlined (base64).
 * WebLLM 0.2.86 bundles this same version (its package.json pins `@mlc-ai/web-xgrammar` 0.1.27).
 */
function load(): typeof XG {
  const require = createRequire(import.meta.url);
  const path = require.resolve("@mlc-ai/web-xgrammar");
  // Its loader's one dynamic `import('module')` (for createRequire) has no import callback in
  // vitest's module runner, so it is handed the module instead.
  const code = readFileSync(path, "utf8").replace("import('module')", "Promise.resolve(nodeModule)");
  if (!code.includes("Promise.resolve(nodeModule)")) throw new Error("web-xgrammar's loader changed; update this shim");
  const mod = { exports: {} as typeof XG };
  // Its own console, so that what it prints while compiling can be caught (see `compile`).
  const print = (...args: unknown[]) => (printed ? printed.push(args.join(" ")) : console.error(...args));
  const ownConsole = { ...console, error: print, warn: print };
  new Function("exports", "module", "require", "__filename", "__dirname", "nodeModule", "console", code)(
    mod.exports, mod, createRequire(path), path, path.replace(/\/[^/]*$/, ""), { createRequire }, ownConsole,
  );
  return mod.exports;
}

let printed: string[] | null = null;

/** The web-xgrammar module. */
export const xg = load();

// A vocabulary of single characters plus an end-of-sequence token. Enough for a matcher to be
// compiled and fed text code point by code point; the end token asks "may the reply end here?".
const vocab = [...Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)), "\n", "\t", "</s>"];
const EOS = vocab.length - 1;

let compiler: Promise<XG.GrammarCompiler> | null = null;

/** The compiler WebLLM would build, over the tiny vocabulary. */
function getCompiler(): Promise<XG.GrammarCompiler> {
  compiler ??= xg.TokenizerInfo.createTokenizerInfo(vocab, "raw", false, vocab.length, [EOS]).then((info) =>
    xg.GrammarCompiler.createGrammarCompiler(info),
  );
  return compiler;
}

/** A compiled grammar's matcher, asked about whole replies. */
export interface Matcher {
  /** Whether `text` is a complete reply: every code point accepted, then the end token. */
  accepts(text: string): boolean;
  /** Whether `text` can be the start of a reply (accepted so far, end or not). */
  prefix(text: string): boolean;
  /**
   * A random reply the grammar allows, drawn token by token from the matcher's own bitmask, as
   * WebLLM samples under a grammar; `null` if it has not ended after `maxSteps` tokens.
   */
  sample(seed: number, maxSteps?: number): Promise<string | null>;
}

/** A small seeded generator (mulberry32), so that a failing sample can be replayed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Closing tokens are drawn more often, so that random strings and lists end in a few dozen steps.
const weight = (id: number) => (['"', "}", "]"].includes(vocab[id] as string) ? 12 : 1);

async function matcher(compiled: XG.CompiledGrammar): Promise<Matcher> {
  const m = await xg.GrammarMatcher.createGrammarMatcher(compiled);
  const feed = (text: string) => {
    m.reset();
    return text === "" || m._acceptString(text);
  };
  return {
    accepts: (text) => feed(text) && m.acceptToken(EOS) && m.isTerminated(),
    prefix: (text) => feed(text),
    async sample(seed, maxSteps = 400) {
      const random = rng(seed);
      m.reset();
      let text = "";
      for (let step = 0; step < maxSteps; step++) {
        const rejected = new Set(await xg.Testings.debugGetMaskedTokensFromBitmask(await m.getNextTokenBitmask(), vocab.length));
        const allowed = vocab.map((_, id) => id).filter((id) => !rejected.has(id));
        if (allowed.includes(EOS) && (random() < 0.5 || allowed.length === 1)) return text;
        const choices = allowed.filter((id) => id !== EOS);
        let r = random() * choices.reduce((sum, id) => sum + weight(id), 0);
        const id = choices.find((c) => (r -= weight(c)) < 0) ?? (choices[0] as number);
        if (!m.acceptToken(id)) throw new Error(`the matcher refused token ${id}, which its own bitmask allowed`);
        text += vocab[id];
      }
      return null;
    },
  };
}

/**
 * Runs one compilation. xgrammar reports a bad grammar by printing `[FATAL] … EBNF parser error
 * at line L, column C: …` through `console.error` and aborting with a bare `RuntimeError:
 * Aborted()`, so the printed line is caught and becomes the error's message. (The module stays
 * usable after it.)
 */
async function compile(run: (c: XG.GrammarCompiler) => Promise<XG.CompiledGrammar>): Promise<Matcher> {
  const c = await getCompiler();
  const caught: string[] = [];
  printed = caught;
  try {
    return await matcher(await run(c));
  } catch (err) {
    throw new Error(caught.join("\n").trim() || String(err));
  } finally {
    printed = null;
  }
}

/** Compiles EBNF text as WebLLM does for `response_format: { type: "grammar" }` (`compileGrammar`). */
export function compileEBNF(ebnf: string): Promise<Matcher> {
  return compile((c) => c.compileGrammar(ebnf));
}

/** Compiles a structural tag as WebLLM does for `type: "structural_tag"` (`compileStructuralTag`). */
export function compileTag(tag: object): Promise<Matcher> {
  return compile((c) => c.compileStructuralTag(tag as XG.StructuralTagLike));
}

/**
 * Compiles a JSON schema as WebLLM 0.2.86 does for `{ type: "json_object", schema }`:
 * `compileJSONSchema(schema)` with its defaults, and `undefined` when the request has no schema.
 */
export function compileSchema(schema: object | undefined): Promise<Matcher> {
  return compile((c) => c.compileJSONSchema((schema === undefined ? undefined : JSON.stringify(schema)) as string));
}

/** Compiles xgrammar's built-in JSON grammar, which WebLLM 0.2.79 used for a bare `json_object`. */
export function compileBuiltinJSON(): Promise<Matcher> {
  return compile((c) => c.compileBuiltinJSONGrammar());
}
