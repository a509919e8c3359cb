/** The read verbs: get, and list with label/field selectors and limit/continue paging. */
import type { ClusterState } from "./cluster-state.js";
import { badRequest, notFound } from "./errors.js";
import type { ReqInfo } from "./request.js";
import { fieldMatcher, labelMatcher, pinnedField, selectableFields } from "./selectors.js";
import type { TypeStore } from "./store.js";
import { apiVersionOf, type KObj } from "./types.js";

export function get(state: ClusterState, ri: ReqInfo): KObj {
  const ts = state.resolve(ri.group, ri.version, ri.resource);
  const obj = ts.get(ri.namespace ?? "", ri.name!);
  if (!obj) throw notFound(ri.group, ri.resource, ri.name!);
  if (ri.subresource && ri.subresource !== "status")
    throw notFound(ri.group, `${ri.resource}/${ri.subresource}`, ri.name!);
  return state.toVersion(ts, obj, ri.version);
}

/** A serialized List document (items are serialized straight from storage, never copied). */
export function list(state: ClusterState, ri: ReqInfo): string {
  const ts = state.resolve(ri.group, ri.version, ri.resource);
  const { items, rv, cont, remaining } = select(state, ts, ri);
  const meta: KObj = { resourceVersion: String(rv) };
  if (cont) meta.continue = cont;
  // kube's list conversion of custom resources to a non-storage version writes an empty continue explicitly.
  else if (ts.rt.custom && ri.version !== ts.rt.storageVersion) meta.continue = "";
  if (remaining !== undefined) meta.remainingItemCount = remaining;
  // Built-in kinds' list items carry no apiVersion/kind (kube's typed lists leave them out); custom ones do.
  const parts = items.map((o) => {
    const v = state.toVersion(ts, o, ri.version);
    if (ts.rt.custom) return JSON.stringify(v);
    const { apiVersion: _a, kind: _k, ...rest } = v;
    return JSON.stringify(rest);
  });
  const head = JSON.stringify({
    kind: ts.rt.listKind,
    apiVersion: apiVersionOf(ri.group, ri.version),
    metadata: meta,
  });
  return `${head.slice(0, -1)},"items":[${parts.join(",")}]}`;
}

/** Matched objects for a list, honouring selectors and limit/continue paging. */
export function select(
  state: ClusterState,
  ts: TypeStore,
  ri: ReqInfo,
): { items: KObj[]; rv: number; cont?: string; remaining?: number } {
  const q = ri.query;
  const labels = labelMatcher(q.get("labelSelector"));
  const fieldSel = q.get("fieldSelector");
  const fields = fieldMatcher(fieldSel, selectableFields(ts.rt));
  let ns = ri.namespace;
  const pinnedNs = pinnedField(fieldSel, "metadata.namespace");
  if (ns === undefined && pinnedNs !== undefined && ts.rt.namespaced) ns = pinnedNs;
  const pinnedName = pinnedField(fieldSel, "metadata.name");
  let candidates: KObj[];
  if (pinnedName !== undefined && ns !== undefined) {
    const o = ts.get(ts.rt.namespaced ? ns : "", pinnedName);
    candidates = o ? [o] : [];
  } else candidates = ts.list(ts.rt.namespaced ? ns : undefined);
  let rv = state.rv;
  let after: { ns: string; name: string } | undefined;
  const contToken = q.get("continue");
  if (contToken) {
    try {
      const t = JSON.parse(Buffer.from(contToken, "base64url").toString("utf8"));
      rv = t.rv;
      after = { ns: t.ns, name: t.name };
    } catch {
      throw badRequest("invalid continue token: continue key is not valid");
    }
    if (typeof rv !== "number" || typeof after.name !== "string") throw badRequest("continue key is not valid");
  }
  const limit = Number(q.get("limit") ?? 0);
  const items: KObj[] = [];
  let cont: string | undefined;
  let remaining: number | undefined;
  for (let i = 0; i < candidates.length; i++) {
    const o = candidates[i]!;
    if (after) {
      const ons = o.metadata.namespace ?? "";
      if (ons < after.ns || (ons === after.ns && o.metadata.name <= after.name)) continue;
    }
    if (labels && !labels(o)) continue;
    if (fields && !fields(o)) continue;
    if (limit > 0 && items.length === limit) {
      const last = items[items.length - 1]!;
      cont = Buffer.from(JSON.stringify({ rv, ns: last.metadata.namespace ?? "", name: last.metadata.name })).toString(
        "base64url",
      );
      if (!labels && !fields) remaining = candidates.length - i;
      break;
    }
    items.push(o);
  }
  return { items, rv, cont, remaining };
}
