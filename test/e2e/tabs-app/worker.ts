// The tabs harness's worker: the multi-tab fixture (the fake, with served-order and load stamps).
import { serveTabs } from "../../browser/fixtures/tabs-serve.js";

serveTabs();
