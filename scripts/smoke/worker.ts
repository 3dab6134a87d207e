// The smoke page's worker: pagellm's serve() with its default backend, the real WebLLM.
import { serve } from "../../src/worker.js";

serve();
