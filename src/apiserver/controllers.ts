/**
 * Which built-in controllers one stored change wakes: serving or dropping a CRD's type, CRD cleanup, namespace
 * cleanup, default ServiceAccounts, and garbage collection. All but the type registry run later, off the write path.
 */
import type { ClusterState } from "./cluster-state.js";
import { typeFromCRD } from "./crd.js";
import { cleanupCRD } from "./crd-cleanup.js";
import { checkForegroundOwner, collectDependents } from "./garbage-collector.js";
import { cleanupNamespace, ensureDefaultServiceAccount, namespaceTerminating } from "./namespace-lifecycle.js";
import type { EventType, TypeStore } from "./store.js";
import { type KObj, typeKey } from "./types.js";
import { crdKey, foregroundFinalizer, listFinalizers, nsKey } from "./well-known.js";

export function reactToCommit(
  state: ClusterState,
  ts: TypeStore,
  type: EventType,
  obj: KObj,
  prev: KObj | undefined,
): void {
  const tk = typeKey(ts.rt.group, ts.rt.resource);
  if (tk === crdKey) {
    if (type === "DELETED") state.unregister(typeKey(obj.spec.group, obj.spec.names.plural));
    else state.register(typeFromCRD(obj));
    if (obj.metadata.deletionTimestamp) state.later(() => cleanupCRD(state, obj.metadata.name));
  }
  if (tk === nsKey && obj.metadata.deletionTimestamp && type !== "DELETED") {
    state.later(() => cleanupNamespace(state, obj.metadata.name));
  }
  if (tk === nsKey && type === "ADDED") state.later(() => ensureDefaultServiceAccount(state, obj.metadata.name));
  if (type === "DELETED") {
    const uid = obj.metadata.uid;
    if (state.owners.hasDependents(uid)) state.later(() => collectDependents(state, uid));
    for (const r of obj.metadata.ownerReferences ?? []) state.later(() => checkForegroundOwner(state, r.uid));
    const ns = obj.metadata.namespace;
    if (ns && namespaceTerminating(state, ns)) state.later(() => cleanupNamespace(state, ns));
    if (ts.rt.custom) {
      const crd = state.types.get(crdKey)!.get("", `${ts.rt.resource}.${ts.rt.group}`);
      if (crd?.metadata.deletionTimestamp) state.later(() => cleanupCRD(state, crd.metadata.name));
    }
  } else if (prev && obj.metadata.deletionTimestamp && listFinalizers(obj).includes(foregroundFinalizer)) {
    state.later(() => checkForegroundOwner(state, obj.metadata.uid));
  }
}
