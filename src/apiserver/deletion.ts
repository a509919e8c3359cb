/**
 * Deletion: the delete and deletecollection verbs, deletion held by finalizers, and the propagation policies
 * (Orphan strips the owner reference from dependents, Foreground deletes them before the owner).
 */
import { fail } from "./admission.js";
import type { ClusterState } from "./cluster-state.js";
import { conflict, notFound } from "./errors.js";
import type { Ref } from "./owners.js";
import { select } from "./reads.js";
import type { DeleteOptions, Propagation, ReqInfo } from "./request.js";
import type { TypeStore } from "./store.js";
import { apiVersionOf, type KObj } from "./types.js";
import { now } from "./util.js";
import { foregroundFinalizer, listFinalizers, nsKey } from "./well-known.js";

export function deleteOne(
  state: ClusterState,
  ri: ReqInfo,
  opts: DeleteOptions,
  dryRun: boolean,
): { obj: KObj; code: number } {
  const ts = state.resolve(ri.group, ri.version, ri.resource);
  const existing = ts.get(ri.namespace ?? "", ri.name!);
  if (!existing) throw notFound(ri.group, ri.resource, ri.name!);
  const pre = opts.preconditions;
  if (pre?.uid && pre.uid !== existing.metadata.uid) {
    throw conflict(
      ts.rt.group,
      ts.rt.kind,
      ri.name!,
      `the UID in the precondition (${pre.uid}) does not match the UID in record (${existing.metadata.uid}). The object might have been deleted and then recreated`,
    );
  }
  if (pre?.resourceVersion && pre.resourceVersion !== existing.metadata.resourceVersion) {
    throw conflict(
      ts.rt.group,
      ts.rt.kind,
      ri.name!,
      `the ResourceVersion in the precondition (${pre.resourceVersion}) does not match the ResourceVersion in record (${existing.metadata.resourceVersion}). The object might have been modified`,
    );
  }
  const policy = (opts.propagationPolicy ?? (opts.orphanDependents ? "Orphan" : "Background")) as Propagation;
  if (!["Background", "Foreground", "Orphan"].includes(policy)) {
    fail(ts, ri.name!, [
      {
        field: "propagationPolicy",
        type: "NotSupported",
        value: policy,
        detail: 'supported values: "Foreground", "Background", "Orphan"',
      },
    ]);
  }
  if (dryRun) return { obj: state.toVersion(ts, existing, ri.version), code: 200 };
  const out = deleteObject(state, ts, existing, policy);
  // As kube: 202 only for a deferred deletion that asked for orphanDependents=false; otherwise 200.
  const deferred = Boolean(out.metadata.deletionTimestamp && ts.get(out.metadata.namespace ?? "", out.metadata.name));
  if (!deferred) {
    // Gone at once: kube answers with a Success Status naming what went, not the object.
    const details: KObj = { name: out.metadata.name, kind: ri.resource, uid: out.metadata.uid };
    if (ri.group) details.group = ri.group;
    return { obj: { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", details }, code: 200 };
  }
  return { obj: state.toVersion(ts, out, ri.version), code: opts.orphanDependents === false ? 202 : 200 };
}

export function deleteCollection(state: ClusterState, ri: ReqInfo, opts: DeleteOptions, dryRun: boolean): string {
  const ts = state.resolve(ri.group, ri.version, ri.resource);
  const { items } = select(state, ts, { ...ri, query: withoutPaging(ri.query) });
  const policy = (opts.propagationPolicy ?? (opts.orphanDependents ? "Orphan" : "Background")) as Propagation;
  const out: string[] = [];
  for (const o of items) {
    const r = dryRun ? o : deleteObject(state, ts, o, policy);
    out.push(JSON.stringify(state.toVersion(ts, r, ri.version)));
  }
  const head = JSON.stringify({
    kind: ts.rt.listKind,
    apiVersion: apiVersionOf(ri.group, ri.version),
    metadata: { resourceVersion: String(state.rv) },
  });
  return `${head.slice(0, -1)},"items":[${out.join(",")}]}`;
}

/** Deletes now, or marks for deletion when finalizers (or foreground dependents) hold the object. */
export function deleteObject(state: ClusterState, ts: TypeStore, existing: KObj, policy: Propagation): KObj {
  const uid = existing.metadata.uid;
  if (policy === "Orphan") orphanDependents(state, uid);
  let finalizers = listFinalizers(existing);
  if (policy === "Foreground" && state.owners.hasDependents(uid) && !finalizers.includes(foregroundFinalizer)) {
    finalizers = [...finalizers, foregroundFinalizer];
  }
  const held = finalizers.length > 0 || state.blocksDeletion(ts, existing);
  if (!held) return state.remove(ts, existing, existing);
  if (existing.metadata.deletionTimestamp && finalizers === listFinalizers(existing)) return existing;
  const next: KObj = { ...existing, metadata: { ...existing.metadata, finalizers } };
  if (!next.metadata.deletionTimestamp) {
    next.metadata.deletionTimestamp = now();
    next.metadata.deletionGracePeriodSeconds = 0;
  }
  if (next.metadata.finalizers.length === 0) delete next.metadata.finalizers;
  if (ts === state.types.get(nsKey)) next.status = { ...(next.status ?? {}), phase: "Terminating" };
  state.nextRv(next);
  state.commit(ts, "MODIFIED", next, existing);
  if (policy === "Foreground")
    for (const d of state.owners.dependents(uid)) state.later(() => deleteRef(state, d, "Foreground"));
  return next;
}

/** The stored object a reference from the owner index points at, if it is still there. */
export function lookupRef(state: ClusterState, r: Ref): { ts: TypeStore; obj: KObj } | undefined {
  const ts = state.types.get(r.tk);
  const obj = ts?.get(r.ns, r.name);
  return ts && obj ? { ts, obj } : undefined;
}

function deleteRef(state: ClusterState, r: Ref, policy: Propagation): void {
  const found = lookupRef(state, r);
  if (found) deleteObject(state, found.ts, found.obj, policy);
}

function orphanDependents(state: ClusterState, uid: string): void {
  for (const r of state.owners.dependents(uid)) {
    const found = lookupRef(state, r);
    if (!found) continue;
    const refs = (found.obj.metadata.ownerReferences ?? []).filter((o: KObj) => o.uid !== uid);
    const next: KObj = { ...found.obj, metadata: { ...found.obj.metadata, ownerReferences: refs } };
    if (refs.length === 0) delete next.metadata.ownerReferences;
    state.replace(found.ts, found.obj, next);
  }
}

function withoutPaging(q: URLSearchParams): URLSearchParams {
  const out = new URLSearchParams(q);
  out.delete("limit");
  out.delete("continue");
  return out;
}
