import { readFile, stat } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, normalize } from "node:path";
import { build } from "vite";
import { fakeChatConfig } from "../../browser/fixtures/chat-config.js";

// Servers for the reliability suite's end-to-end tests, which run in Node and drive Chromium with
// playwright-core: the harness app built for production (vite's dev server injects inline
// scripts that no strict CSP allows) and served with a real CSP response header, and a stand-in
// model host on another origin. Each logs every request it receives.

export interface Served {
  url: string;
  /** "METHOD /path?query", in arrival order. */
  log: string[];
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".wasm": "application/wasm",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".map": "application/json",
};

async function listen(handler: (req: IncomingMessage, res: ServerResponse, log: string[]) => Promise<void> | void): Promise<Served> {
  const log: string[] = [];
  const server: Server = createServer((req, res) => {
    log.push(`${req.method} ${req.url}`);
    Promise.resolve(handler(req, res, log)).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    log,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Builds `root` (an app with an index.html) for production into `outDir`. */
export async function buildApp(root: string, outDir: string): Promise<void> {
  await build({
    configFile: false,
    root,
    logLevel: "warn",
    build: { outDir, emptyOutDir: true, minify: false, sourcemap: false, reportCompressedSize: false, chunkSizeWarningLimit: 10_000 },
    worker: { format: "es" },
  });
}

/**
 * Serves the files under `dir`, sending `csp` as the Content-Security-Policy header of every
 * response: the page's, and each worker script's, which is where a worker's policy comes from.
 */
export function serveStatic(dir: string, csp: () => string): Promise<Served> {
  return listen(async (req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    const headers = { "Content-Security-Policy": csp(), "Cache-Control": "no-store" };
    if (path === "/favicon.ico" || path.startsWith("/__mark")) {
      res.writeHead(204, headers).end();
      return;
    }
    const file = normalize(join(dir, path === "/" ? "index.html" : path));
    if (!file.startsWith(normalize(dir)) || !(await stat(file).catch(() => null))?.isFile()) {
      res.writeHead(404, headers).end();
      return;
    }
    res.writeHead(200, { ...headers, "Content-Type": TYPES[extname(file)] ?? "application/octet-stream" });
    res.end(await readFile(file));
  });
}

/** The smallest valid WebAssembly module: the magic number and version 1. */
const EMPTY_WASM = Uint8Array.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);

/**
 * A model host on another origin, laid out as WebLLM expects a Hugging Face repository: a
 * plausible `mlc-chat-config.json`, and a model library that is valid WebAssembly (so that
 * WebLLM really compiles it, which is what the CSP's 'wasm-unsafe-eval' is for) but is no model,
 * so every load fails after that. No tokenizer, no weights.
 *
 *   /repos/<name>/resolve/main/mlc-chat-config.json
 *   /libs/empty.wasm
 */
export function modelHost(): Promise<Served> {
  const cors = { "Access-Control-Allow-Origin": "*", "Access-Control-Allow-Headers": "*", "Access-Control-Expose-Headers": "*", "Cache-Control": "no-store" };
  return listen((req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    if (req.method === "OPTIONS") return void res.writeHead(204, cors).end();
    if (/^\/repos\/[^/]+\/resolve\/main\/mlc-chat-config\.json$/.test(path)) {
      return void res.writeHead(200, { ...cors, "Content-Type": "application/json" }).end(req.method === "HEAD" ? undefined : JSON.stringify(fakeChatConfig));
    }
    if (path === "/libs/empty.wasm") {
      return void res.writeHead(200, { ...cors, "Content-Type": "application/wasm", "Content-Length": String(EMPTY_WASM.length) }).end(req.method === "HEAD" ? undefined : EMPTY_WASM);
    }
    res.writeHead(404, cors).end();
  });
}
