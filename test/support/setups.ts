// Each entry starts one server for the browser tests and returns what it provides to them.
export interface Started {
  provided: Record<string, unknown>;
  close(): Promise<void>;
}

export const all: (() => Promise<Started>)[] = [
  () => import("./model-server.js").then((m) => m.startModelServer()),
  // The reliability suite's heavy settings (npm run test:soak): browser code cannot read the environment.
  async () => ({ provided: { pagellmSoak: process.env.PAGELLM_SOAK === "1" }, close: async () => {} }),
];
