/** kube's garbage collector: dependents of a deleted owner, and owners waiting in foreground deletion. */
import type { ClusterState } from "./cluster-state.js";
import { deleteObject, lookupRef } from "./deletion.js";
import type { KObj } from "./types.js";
import { foregroundFinalizer, listFinalizers } from "./well-known.js";

/** An owner is gone: delete dependents that have no live owner left, drop the dangling reference from the rest. */
export function collectDependents(state: ClusterState, uid: string): void {
  for (const r of state.owners.dependents(uid)) {
    const found = lookupRef(state, r);
    if (!found) continue;
    const refs: KObj[] = found.obj.metadata.ownerReferences ?? [];
    const live = refs.filter((o) => o.uid !== uid && state.owners.uids.has(o.uid));
    if (live.length === 0) {
      if (!found.obj.metadata.deletionTimestamp) deleteObject(state, found.ts, found.obj, "Background");
    } else {
      const next: KObj = { ...found.obj, metadata: { ...found.obj.metadata, ownerReferences: live } };
      state.replace(found.ts, found.obj, next);
    }
  }
}

/** Releases an owner held by the foreground finalizer once it has no dependents left. */
export function checkForegroundOwner(state: ClusterState, uid: string): void {
  const ref = state.owners.uids.get(uid);
  if (!ref) return;
  const found = lookupRef(state, ref);
  if (!found?.obj.metadata.deletionTimestamp) return;
  const fins = listFinalizers(found.obj);
  if (!fins.includes(foregroundFinalizer) || state.owners.hasDependents(uid)) return;
  const next: KObj = {
    ...found.obj,
    metadata: { ...found.obj.metadata, finalizers: fins.filter((f) => f !== foregroundFinalizer) },
  };
  state.replace(found.ts, found.obj, next);
}
