import type { Lane } from "../../runtime/lane.js";
import { indexedDbStore, type IndexedDbStoreOptions } from "./idb-store.js";
import type { ResponseStore } from "./store.js";

/**
 * Options of the Responses API's store, given as `serve({ responses })`. By default responses
 * are stored in IndexedDB (database `"pagellm-responses"`), at most 1,000 of them, each for 30
 * days, the oldest evicted first.
 */
export interface ResponsesOptions extends IndexedDbStoreOptions {
  /**
   * A store of your own instead of IndexedDB (the other fields then do not apply): `memoryStore()`
   * where there is no IndexedDB, or a wrapper that fails writes, to test how an app handles a full
   * quota.
   */
  store?: ResponseStore;
}

// Per lane, so that every connection to one worker (every tab of a SharedWorker) shares one store.
const options = new WeakMap<Lane, ResponsesOptions>();
const stores = new WeakMap<Lane, ResponseStore>();

/** Gives `lane` the Responses store options of `serve`. Returns the lane. */
export function withResponses(lane: Lane, given: ResponsesOptions | undefined): Lane {
  if (given) options.set(lane, given);
  return lane;
}

/** The lane's response store, opened on first use. */
export function storeOf(lane: Lane): ResponseStore {
  let store = stores.get(lane);
  if (!store) {
    const o = options.get(lane) ?? {};
    store = o.store ?? indexedDbStore(o);
    stores.set(lane, store);
  }
  return store;
}
