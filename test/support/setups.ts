// Each entry starts one server for the browser tests and returns what it provides to them.
export interface Started {
  provided: Record<string, unknown>;
  close(): Promise<void>;
}

export const all: (() => Promise<Started>)[] = [() => import("./model-server.js").then((m) => m.startModelServer())];
