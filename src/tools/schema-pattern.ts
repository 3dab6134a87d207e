/**
 * Why a JSON Schema `pattern` cannot be used, or null when it can. The grammar engine (xgrammar,
 * inside WebLLM) compiles a `pattern` into grammar rules for JSON mode and for tool arguments,
 * and throws on regex features that no grammar can express: lookarounds, backreferences, word
 * boundaries, Unicode property classes and inline flags. WebLLM then fails the request with an
 * engine error after the model was queued and loaded; checking here turns that into a 400 that
 * says which feature, before any GPU work. Patterns are ECMA-262 regexes, as JSON Schema says,
 * so anything `RegExp` refuses in Unicode mode is refused too (an unclosed group, a class range
 * out of order, a `{,3}` quantifier).
 */
export function patternProblem(pattern: string): string | null {
  const unsupported = (what: string): string => `uses ${what}, which the grammar engine cannot compile.`;
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    const next = pattern[i + 1];
    if (c === "\\") {
      if (next === undefined) break;
      if (!inClass && /[1-9]/.test(next)) return unsupported(`a backreference (\\${next})`);
      if (next === "k" && pattern[i + 2] === "<") return unsupported("a named backreference (\\k<…>)");
      if (!inClass && (next === "b" || next === "B")) return unsupported(`a word boundary (\\${next})`);
      if ((next === "p" || next === "P") && pattern[i + 2] === "{") return unsupported(`a Unicode property class (\\${next}{…})`);
      i++;
      continue;
    }
    if (inClass) {
      if (c === "]") inClass = false;
      continue;
    }
    if (c === "[") {
      inClass = true;
      continue;
    }
    if (c === "(" && next === "?") {
      const after = pattern[i + 2];
      if (after === "=" || after === "!") return unsupported(`a lookahead ((?${after}…))`);
      if (after === "<" && (pattern[i + 3] === "=" || pattern[i + 3] === "!")) return unsupported(`a lookbehind ((?<${pattern[i + 3]}…))`);
      if (after !== undefined && /[a-zA-Z-]/.test(after)) return unsupported("inline flags ((?flags:…))");
    }
  }
  // After the scan: Node 20 and older browsers refuse inline flags as a syntax error, and the
  // feature's own name says more.
  try {
    new RegExp(pattern, "u");
  } catch (err) {
    return `is not a valid regular expression: ${(err as Error).message}`;
  }
  return null;
}
