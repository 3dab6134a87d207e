import type { ResponseDeleted, ResponseItemList } from "../../openai/responses.js";
import type { EndpointContext, EndpointHandler } from "../../runtime/endpoint.js";
import { bad, isObj, num, type Obj } from "./checks.js";
import { storeOf } from "./options.js";
import { responseNotFound, storage, type StoredResponse } from "./store.js";

/** The params of the calls on one stored response: its id, and (for listing) the page wanted. */
function idOf(params: unknown, allowed: readonly string[]): { id: string; params: Obj } {
  if (!isObj(params) || typeof params.id !== "string" || params.id === "") throw bad("A response id is required.", "response_id");
  for (const key of Object.keys(params)) if (key !== "id" && !allowed.includes(key)) throw bad(`Unrecognized argument supplied: ${key}`, key);
  return { id: params.id, params };
}

async function find(id: string, { lane }: EndpointContext): Promise<StoredResponse> {
  const record = await storage("read", () => storeOf(lane).get(id));
  if (!record) throw responseNotFound(id);
  return record;
}

/** `responses.retrieve`: a stored response, as it is now (`in_progress` while it streams). */
export const responsesRetrieve: EndpointHandler = async (params, ctx) => {
  const { id } = idOf(params, []);
  ctx.call.post({ t: "result", result: (await find(id, ctx)).response });
  ctx.call.close();
};

/** `responses.delete`: removes a stored response, input items and all, from this device. */
export const responsesDelete: EndpointHandler = async (params, ctx) => {
  const { id } = idOf(params, []);
  if (!(await storage("delete from", () => storeOf(ctx.lane).delete(id)))) throw responseNotFound(id);
  const deleted: ResponseDeleted = { id, object: "response", deleted: true };
  ctx.call.post({ t: "result", result: deleted });
  ctx.call.close();
};

/** `responses.inputItems.list`: one page of a stored response's input items, newest first unless `order: "asc"`. */
export const responsesInputItems: EndpointHandler = async (params, ctx) => {
  const { id, params: p } = idOf(params, ["after", "limit", "order", "include"]);
  const limit = num(p.limit, "limit", 1, 100, true) ?? 20;
  const order = p.order ?? "desc";
  if (order !== "asc" && order !== "desc") throw bad("'order' must be 'asc' or 'desc'.", "order");
  if (Array.isArray(p.include) && p.include.length > 0) throw bad("'include' is not supported: pagellm returns no extra output data.", "include");
  const items = [...(await find(id, ctx)).input];
  if (order === "desc") items.reverse();
  let start = 0;
  if (p.after !== undefined && p.after !== null) {
    const at = items.findIndex((i) => i.id === p.after);
    if (at < 0) throw bad(`'after' names item '${String(p.after)}', which is not an input item of response '${id}'.`, "after");
    start = at + 1;
  }
  const data = items.slice(start, start + limit);
  const page: ResponseItemList = { object: "list", data, first_id: data[0]?.id ?? "", last_id: data.at(-1)?.id ?? "", has_more: start + limit < items.length };
  ctx.call.post({ t: "result", result: page });
  ctx.call.close();
};
