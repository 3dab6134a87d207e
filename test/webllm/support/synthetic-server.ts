import { createReadStream, existsSync, statSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";

/**
 * A 127.0.0.1 model host for the synthetic model, laid out as Hugging Face serves a model
 * repository, so that WebLLM makes its real requests:
 *
 *   /m/<name>/resolve/main/<file>   the generated model folder (config, tokenizer, manifests, shards)
 *   /libs/<name>.wasm               the model library
 *   GET /__log                      every request so far, as "METHOD /path" lines (JSON)
 *   GET /__stop                     answers, then closes the server: the model host goes away
 *
 * It sends `Access-Control-Allow-Origin: *`, because the test page is on vitest's origin.
 */
export interface SyntheticServer {
  url: string;
  close(): Promise<void>;
}

const CORS = {
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
  "Access-Control-Allow-Headers": "*",
  "Access-Control-Expose-Headers": "*",
  "Cache-Control": "no-store",
};

/** Serves `modelDir` as model `name` and `libPath` as its library. */
export async function startSyntheticServer(name: string, modelDir: string, libPath: string): Promise<SyntheticServer> {
  const log: string[] = [];
  let closing: Promise<void> | null = null;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? "/", "http://127.0.0.1").pathname;
    const method = req.method ?? "GET";
    if (path === "/__log") return void res.writeHead(200, { ...CORS, "Content-Type": "application/json" }).end(JSON.stringify(log));
    if (path === "/__stop") {
      res.writeHead(204, CORS).end(() => void close());
      return;
    }
    log.push(`${method} ${path}`);
    if (method === "OPTIONS") return void res.writeHead(204, CORS).end();
    const file = fileFor(path, name, modelDir, libPath);
    if (!file || !existsSync(file) || !statSync(file).isFile()) {
      return void res.writeHead(404, { ...CORS, "Content-Type": "text/plain" }).end(`Not found: ${path}`);
    }
    const type = file.endsWith(".json") ? "application/json" : file.endsWith(".wasm") ? "application/wasm" : "application/octet-stream";
    res.writeHead(200, { ...CORS, "Content-Type": type, "Content-Length": String(statSync(file).size) });
    if (method === "HEAD") return void res.end();
    createReadStream(file).pipe(res);
  });
  const close = (): Promise<void> =>
    (closing ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close };
}

function fileFor(path: string, name: string, modelDir: string, libPath: string): string | null {
  if (path === `/libs/${name}.wasm`) return libPath;
  const prefix = `/m/${name}/resolve/main/`;
  if (!path.startsWith(prefix)) return null;
  const rest = path.slice(prefix.length);
  // Only plain file names: the folder is flat, and nothing outside it may be served.
  return /^[\w.-]+$/.test(rest) && !rest.startsWith(".") ? join(modelDir, rest) : null;
}
