import { APIUserAbortError, ModelLoadError } from "../../../errors/classes.js";
import { downloadError } from "../errors.js";
import type { ModelFile } from "./files.js";

const isAbort = (err: unknown, signal: AbortSignal): boolean => signal.aborted || (err as { name?: unknown })?.name === "AbortError";

/**
 * Downloads one file whole, reporting each chunk's bytes to `onBytes`, and checks that it is
 * complete: the size `tensor-cache.json` gives a shard, or else the `Content-Length` the server
 * sent (unless the body was compressed in transit). Nothing is stored here: the caller stores the
 * returned blob only once it is complete, so an abort or a broken connection leaves nothing half
 * written. `onBytes` is called with a negative count when a download fails, to take its bytes back.
 */
export async function fetchFile(file: ModelFile, signal: AbortSignal, onBytes: (n: number) => void): Promise<Blob> {
  let res: Response;
  try {
    res = await fetch(file.url, { signal });
  } catch (err) {
    if (isAbort(err, signal)) throw new APIUserAbortError("Model load was aborted.");
    throw downloadError(file.what, file.url, 0);
  }
  if (!res.ok || !res.body) throw downloadError(file.what, file.url, res.status, res.statusText);
  const header = res.headers.get("content-length");
  const declared = header !== null && !res.headers.has("content-encoding") && /^\d+$/.test(header) ? Number(header) : null;
  const expected = file.bytes ?? declared;
  const chunks: Uint8Array[] = [];
  let got = 0;
  const reader = res.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      got += value.byteLength;
      onBytes(value.byteLength);
    }
  } catch (err) {
    onBytes(-got);
    if (isAbort(err, signal)) throw new APIUserAbortError("Model load was aborted.");
    throw new ModelLoadError(
      `The download of ${file.what} from ${file.url} broke off after ${got}${expected !== null ? ` of ${expected}` : ""} bytes (${String(err)}). ` +
        "Nothing of it was stored; loading again downloads it again.",
      file.url,
      res.status,
    );
  }
  if (expected !== null && got !== expected) {
    onBytes(-got);
    const source = file.bytes !== undefined ? "tensor-cache.json lists" : "the server announced";
    throw new ModelLoadError(
      `${file.what} at ${file.url} is ${got} bytes, but ${source} ${expected}: the file on the server is ${got < expected ? "truncated" : "not the one listed"}. ` +
        "It was not stored. Fix the file on the server (or wait for the upload to finish) and load again.",
      file.url,
      res.status,
    );
  }
  return new Blob(chunks as BlobPart[], { type: res.headers.get("content-type") ?? "" });
}
