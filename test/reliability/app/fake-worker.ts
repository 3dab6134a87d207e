// The harness's worker for chats: pagellm's host with the fake backend.
import "./csp-report.js";
import { fakeBackend } from "../../../src/testing.js";
import { serve } from "../../../src/worker.js";

serve({ backend: fakeBackend({ models: ["fake-1"], loadMs: 50 }) });
