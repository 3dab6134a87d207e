import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { fakeChatConfig } from "../browser/fixtures/chat-config.js";
import { EMPTY_WASM, fullManifest, SHARDS, shardBytes, SLOW_CHUNK, SLOW_MS } from "./model-files.js";
import type { Started } from "./setups.js";

/**
 * A stand-in model host on 127.0.0.1 for the browser tests. It serves a fake model repository the
 * way Hugging Face lays one out, so that the real WebLLM module, pointed at it through a custom
 * ModelRecord, makes its real requests and meets real failures:
 *
 *   /<scope>/repos/<name>/resolve/main/mlc-chat-config.json   a plausible config (any <name>
 *                                                              except "no-config", which 404s,
 *                                                              and "hang", which never answers)
 *   /<scope>/libs/garbage.wasm                                 200, bytes that are not WebAssembly
 *   /<scope>/libs/html.wasm                                    200, an HTML page (a dev server's fallback)
 *   /<scope>/libs/slow.wasm                                    HEAD 200; a GET never answers
 *   /<scope>/libs/empty.wasm                                   200, the smallest valid WebAssembly module:
 *                                                              it passes every check pagellm makes before
 *                                                              the weights, and is no model library
 *   /<scope>/repos/full/resolve/main/…                         a whole model's files: the config,
 *                                                              tokenizer.json, tensor-cache.json and
 *                                                              SHARDS shards of SHARD_BYTES each
 *   everything else                                            404 (no real library)
 *
 * Faults, per scope and file, for the "full" repository: `GET /__fault?scope=<s>&file=<f>&mode=<m>`
 * with mode `404`, `500`, `truncate` (the file on the server is half its size, and says so),
 * `cut` (the connection breaks after half the bytes), `slow` (SLOW_CHUNK bytes every SLOW_MS)
 * or `none` to clear it.
 *
 * <scope> is any path segment a test picks, so its requests, and WebLLM's Cache Storage keys, are
 * its own. Every request is logged as "METHOD /path", in order:
 *
 *   GET /__log?prefix=/<scope>/   the log (JSON array of strings), filtered by path prefix
 *   GET /__reset                  clears the log
 *
 * It sends `Access-Control-Allow-Origin: *` (the test page is on another origin), answers OPTIONS
 * and HEAD, and `Cache-Control: no-store`, so that every fetch reaches it and shows in the log.
 */

declare module "vitest" {
  export interface ProvidedContext {
    /** The model server's base URL, e.g. `http://127.0.0.1:40123`. */
    modelServer: string;
  }
}

const CORS = {
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
  "Access-Control-Allow-Headers": "*",
  "Access-Control-Expose-Headers": "*",
  "Cache-Control": "no-store",
};

type Answer = { status: number; type: string; body: string | Uint8Array };

const FULL_TOKENIZER = JSON.stringify({ version: "1.0", model: { type: "BPE", vocab: { a: 0 }, merges: [] } });

function fullFile(file: string): Answer | null {
  if (file === "mlc-chat-config.json") return { status: 200, type: "application/json", body: JSON.stringify(fakeChatConfig) };
  if (file === "tokenizer.json") return { status: 200, type: "application/json", body: FULL_TOKENIZER };
  if (file === "tensor-cache.json") return { status: 200, type: "application/json", body: JSON.stringify(fullManifest()) };
  const shard = /^params_shard_(\d+)\.bin$/.exec(file);
  if (shard && Number(shard[1]) < SHARDS) return { status: 200, type: "application/octet-stream", body: shardBytes(Number(shard[1])) };
  return null;
}

function answer(path: string): Answer {
  const notFound: Answer = { status: 404, type: "text/plain", body: `Not found: ${path}` };
  const parts = path.split("/").filter(Boolean);
  // [scope, "repos", name, "resolve", "main", file]
  if (parts[1] === "repos" && parts[3] === "resolve" && parts[4] === "main" && parts.length === 6) {
    if (parts[2] === "full") return fullFile(parts[5] ?? "") ?? notFound;
    if (parts[5] === "mlc-chat-config.json" && parts[2] !== "no-config") {
      return { status: 200, type: "application/json", body: JSON.stringify(fakeChatConfig, null, 2) };
    }
    return notFound;
  }
  if (parts[1] === "libs" && parts.length === 3) {
    if (parts[2] === "garbage.wasm") return { status: 200, type: "application/wasm", body: new TextEncoder().encode("this is not a WebAssembly module") };
    if (parts[2] === "slow.wasm") return { status: 200, type: "application/wasm", body: new Uint8Array(1024) };
    if (parts[2] === "html.wasm") return { status: 200, type: "text/html; charset=utf-8", body: "<!doctype html><title>app</title>" };
    if (parts[2] === "empty.wasm") return { status: 200, type: "application/wasm", body: EMPTY_WASM };
  }
  return notFound;
}

/** Starts the model server; `provided.modelServer` is its base URL. */
export async function startModelServer(): Promise<Started> {
  const log: string[] = [];
  /** "<scope>/<file>" → fault mode, set through /__fault. */
  const faults = new Map<string, string>();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const method = req.method ?? "GET";
    if (url.pathname === "/__log") {
      const prefix = url.searchParams.get("prefix") ?? "";
      const lines = log.filter((l) => l.slice(l.indexOf(" ") + 1).startsWith(prefix));
      res.writeHead(200, { ...CORS, "Content-Type": "application/json" }).end(JSON.stringify(lines));
      return;
    }
    if (url.pathname === "/__fault") {
      const key = `${url.searchParams.get("scope")}/${url.searchParams.get("file")}`;
      const mode = url.searchParams.get("mode") ?? "none";
      if (mode === "none") faults.delete(key);
      else faults.set(key, mode);
      res.writeHead(204, CORS).end();
      return;
    }
    if (url.pathname === "/__reset") {
      log.length = 0;
      res.writeHead(204, CORS).end();
      return;
    }
    log.push(`${method} ${url.pathname}`);
    // Never answer these; close() ends them.
    if (url.pathname.includes("/repos/hang/") || (method === "GET" && url.pathname.endsWith("/libs/slow.wasm"))) return;
    if (method === "OPTIONS") {
      res.writeHead(204, CORS).end();
      return;
    }
    const a = answer(url.pathname);
    const body = typeof a.body === "string" ? Buffer.from(a.body) : Buffer.from(a.body);
    const segments = url.pathname.split("/").filter(Boolean);
    const fault = faults.get(`${segments[0]}/${segments.at(-1)}`);
    if (fault === "404" || fault === "500") {
      res.writeHead(Number(fault), { ...CORS, "Content-Type": "text/plain" }).end(`Fault ${fault}`);
      return;
    }
    if (fault === "truncate") {
      const half = body.subarray(0, body.length >> 1);
      res.writeHead(a.status, { ...CORS, "Content-Type": a.type, "Content-Length": String(half.length) });
      res.end(method === "HEAD" ? undefined : half);
      return;
    }
    res.writeHead(a.status, { ...CORS, "Content-Type": a.type, "Content-Length": String(body.length) });
    if (method === "HEAD") return void res.end();
    if (fault === "cut") {
      res.write(body.subarray(0, body.length >> 1), () => res.destroy());
      return;
    }
    if (fault === "slow") {
      let at = 0;
      const timer = setInterval(() => {
        if (res.destroyed || at >= body.length) {
          clearInterval(timer);
          if (!res.destroyed) res.end();
          return;
        }
        res.write(body.subarray(at, (at += SLOW_CHUNK)));
      }, SLOW_MS);
      res.on("close", () => clearInterval(timer));
      return;
    }
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    provided: { modelServer: `http://127.0.0.1:${port}` },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
