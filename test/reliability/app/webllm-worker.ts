// The harness's worker with pagellm's default backend: the real WebLLM module.
import "./csp-report.js";
import { serve } from "../../../src/worker.js";

serve();
