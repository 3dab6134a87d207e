/**
 * Markdown for model output, which is untrusted: a model can be talked into writing anything,
 * including `<img onerror=…>` or `javascript:` links. Two locks, both kept:
 * 1. marked renders raw HTML in the text as visible text, not markup (as hosted chat apps do),
 *    and renders images as links, because fetching a remote image would tell a third party
 *    about the conversation: the one thing a local model promises never to do.
 * 2. DOMPurify sanitizes whatever HTML marked produced, so a bug or a bypass in (1) still
 *    cannot run script or load anything.
 *
 * `MarkdownStream` renders while a reply streams without re-rendering the whole reply per token:
 * finished blocks are rendered once and kept, only the last block is redone, at most once per
 * animation frame. The main thread stays free even for long replies at full speed.
 */
import DOMPurify from "dompurify";
import { Marked, type Tokens } from "marked";

const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c);

const marked = new Marked({
  gfm: true,
  breaks: false,
  async: false,
  renderer: {
    html(token: Tokens.HTML | Tokens.Tag): string {
      return escapeHtml(token.text);
    },
    image(token: Tokens.Image): string {
      const label = escapeHtml(token.text || token.href);
      return `<a href="${escapeHtml(token.href)}" class="md-image-link" title="Image not loaded, to keep this chat private">[image: ${label}]</a>`;
    },
  },
});

/** The sanitizer, made on first use (so this module also loads where there is no DOM, in tests). */
let purifier: ReturnType<typeof DOMPurify> | null = null;
function sanitizer(): ReturnType<typeof DOMPurify> {
  if (purifier) return purifier;
  purifier = DOMPurify(window);
  purifier.addHook("afterSanitizeAttributes", (node) => {
    // Links open outside the app, and tell the target nothing about where they came from.
    if (node.tagName === "A") {
      node.setAttribute("target", "_blank");
      node.setAttribute("rel", "noopener noreferrer nofollow");
    }
  });
  return purifier;
}

const PURIFY = {
  RETURN_DOM_FRAGMENT: true as const,
  USE_PROFILES: { html: true },
  FORBID_TAGS: ["style", "img", "svg", "math", "form", "input", "button", "textarea", "select", "iframe", "object", "embed", "video", "audio", "source", "picture", "link", "meta", "base"],
  FORBID_ATTR: ["style", "srcset", "action", "formaction"],
};

/** Renders Markdown to a sanitized DOM fragment. */
export function renderMarkdown(text: string): DocumentFragment {
  const html = marked.parse(text) as string;
  return sanitizer().sanitize(html, PURIFY);
}

/**
 * The end of the last complete block before `from`+`text`: the position after the last blank
 * line that is outside a code fence and is followed by an unindented line (an indented line may
 * continue a list item). Text before it will not change how it renders: each block is rendered
 * once, as it would be in the whole reply (a later link reference definition is the one
 * Markdown feature this misses, and models do not write them).
 */
export function stableBoundary(text: string, from: number): number {
  let boundary = from;
  let fence: string | null = null;
  let pos = from;
  let prevBlank = false;
  while (pos < text.length) {
    const nl = text.indexOf("\n", pos);
    if (nl === -1) break; // the last line is still being written
    const line = text.slice(pos, nl);
    const marker = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence) {
      if (marker && marker[0] === fence[0] && marker.length >= fence.length && line.trim() === marker) fence = null;
    } else if (marker) {
      if (prevBlank || pos === from) boundary = pos;
      fence = marker;
    } else if (prevBlank && line.length > 0 && !/^\s/.test(line)) {
      boundary = pos;
    }
    prevBlank = fence === null && line.trim() === "";
    pos = nl + 1;
  }
  // A line being written after a blank line already starts a new block.
  if (pos < text.length && fence === null && prevBlank && !/^\s/.test(text.slice(pos))) boundary = pos;
  return boundary;
}

/** JSON as a code block: pretty-printed when it parses, as it came when it does not (yet). */
export function renderJson(text: string): DocumentFragment {
  let shown = text;
  try {
    shown = JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    // Still streaming, or not JSON at all: show it as it is.
  }
  const frag = document.createDocumentFragment();
  const pre = document.createElement("pre");
  const code = document.createElement("code");
  code.className = "language-json";
  code.textContent = shown;
  pre.appendChild(code);
  frag.appendChild(pre);
  return frag;
}

/** Renders a streaming reply into `root`, at most once per frame. */
export class MarkdownStream {
  private text = "";
  private frozen = 0;
  private frame = 0;
  private readonly tail: HTMLElement;

  /**
   * `onFrame` runs after each render, in the same frame: the place to scroll and update stats.
   * With `json`, the reply is shown as a JSON code block instead of Markdown (JSON mode).
   */
  constructor(
    private readonly root: HTMLElement,
    private readonly onFrame?: () => void,
    private readonly json = false,
  ) {
    this.tail = document.createElement("div");
    this.tail.className = "md-seg";
    root.replaceChildren(this.tail);
  }

  /** The text so far. */
  get value(): string {
    return this.text;
  }

  /** Adds streamed text; the DOM catches up on the next animation frame. */
  append(delta: string): void {
    if (!delta) return;
    this.text += delta;
    if (!this.frame) this.frame = requestAnimationFrame(this.flush);
  }

  /**
   * Renders what is left and adds copy buttons to code blocks. It does not re-render the whole
   * reply: block by block is the same HTML (a blank line ends every Markdown block except a
   * code fence or an indented continuation, and the boundaries skip both), and re-rendering a
   * long reply in one go is the one task that could block the main thread.
   */
  finish(): void {
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = 0;
    if (this.json) this.root.replaceChildren(renderJson(this.text));
    else this.tail.replaceChildren(renderMarkdown(this.text.slice(this.frozen)));
    decorateCode(this.root);
    this.onFrame?.();
  }

  private readonly flush = (): void => {
    this.frame = 0;
    if (this.json) {
      // JSON is one block and short; a text node update per frame is all it costs.
      this.tail.replaceChildren(renderJson(this.text));
      this.onFrame?.();
      return;
    }
    const boundary = stableBoundary(this.text, this.frozen);
    if (boundary > this.frozen) {
      const done = document.createElement("div");
      done.className = "md-seg";
      done.append(renderMarkdown(this.text.slice(this.frozen, boundary)));
      this.root.insertBefore(done, this.tail);
      this.frozen = boundary;
    }
    this.tail.replaceChildren(renderMarkdown(this.text.slice(this.frozen)));
    this.onFrame?.();
  };
}

/** Renders a finished reply into `root` at once (history restored from storage). */
export function renderInto(root: HTMLElement, text: string, json = false): void {
  root.replaceChildren(json ? renderJson(text) : renderMarkdown(text));
  decorateCode(root);
}

/** Gives each code block a copy button. */
function decorateCode(root: HTMLElement): void {
  for (const pre of root.querySelectorAll("pre")) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "code-copy";
    button.textContent = "Copy";
    button.addEventListener("click", () => {
      void navigator.clipboard?.writeText(pre.querySelector("code")?.textContent ?? pre.textContent ?? "").then(
        () => {
          button.textContent = "Copied";
          setTimeout(() => (button.textContent = "Copy"), 1200);
        },
        () => undefined,
      );
    });
    pre.appendChild(button);
  }
}
