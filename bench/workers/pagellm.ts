// pagellm's own module Worker for scenario (b): `serve()` exactly as an app calls it. The page
// picks the backend with the worker's name, since a module Worker has no other start-up argument:
// "synthetic" (the default; see ../synthetic.ts for why) or "fake", `fakeBackend` as shipped,
// measured for information only.
import { fakeBackend } from "../../src/testing.js";
import { serve } from "../../src/worker.js";
import { fakeOptions, syntheticBackend } from "../synthetic.js";

serve({ backend: self.name === "fake" ? fakeBackend(fakeOptions) : syntheticBackend() });
