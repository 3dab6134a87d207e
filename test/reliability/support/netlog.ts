import { readFile } from "node:fs/promises";

// Chromium's own record of every URL request its network service makes, for any page, worker,
// service worker or the browser itself (`--log-net-log=<file>`): the ground truth of what left
// the browser, independent of what the automation protocol chooses to report.

interface NetLog {
  constants: { logEventTypes: Record<string, number> };
  events: { type: number; params?: { url?: string; initiator?: string; network_isolation_key?: string } }[];
}

/** One URL request: its URL, the origin that started it, and its network isolation key. */
export interface NetRequest {
  url: string;
  /** The requesting origin; "not an origin" for the browser's own requests and navigations. */
  initiator: string;
  /** "<top-frame site> <frame site>"; the page's site for everything a page or its workers ask for. */
  isolationKey: string;
}

/** Every URL request in a net-log file, in the order they started. */
export async function netLogRequests(file: string): Promise<NetRequest[]> {
  let text = await readFile(file, "utf8");
  // A browser that did not shut down cleanly leaves the events array open.
  if (!text.trimEnd().endsWith("}")) text = `${text.trimEnd().replace(/,$/, "")}]}`;
  const log = JSON.parse(text) as NetLog;
  const start = log.constants.logEventTypes.URL_REQUEST_START_JOB;
  return log.events
    .filter((e) => e.type === start && typeof e.params?.url === "string")
    .map((e) => ({ url: e.params?.url ?? "", initiator: e.params?.initiator ?? "", isolationKey: e.params?.network_isolation_key ?? "" }));
}

/**
 * Whether a request was made for a page of `site` (e.g. "http://127.0.0.1") or one of its
 * workers: its initiator is on that site, or it is isolated under that top-frame site. The
 * browser's own traffic (update checks, account checks) is neither, and has no origin.
 */
export function madeFor(site: string, r: NetRequest): boolean {
  return r.initiator.startsWith(site) || r.isolationKey.split(" ")[0] === site;
}
