/** kube's CRD finalizer: a deleting CustomResourceDefinition first deletes its custom resources. */
import type { ClusterState } from "./cluster-state.js";
import { deleteObject } from "./deletion.js";
import { type KObj, typeKey } from "./types.js";
import { crdCleanupFinalizer, crdKey, listFinalizers } from "./well-known.js";

/** Deletes the custom resources of a deleting CRD; once none are left, releases its cleanup finalizer. */
export function cleanupCRD(state: ClusterState, name: string): void {
  const crds = state.types.get(crdKey)!;
  const crd = crds.get("", name);
  if (!crd?.metadata.deletionTimestamp) return;
  const ts = state.types.get(typeKey(crd.spec.group, crd.spec.names.plural));
  if (ts) {
    for (const o of [...ts.all()]) if (!o.metadata.deletionTimestamp) deleteObject(state, ts, o, "Background");
    if (ts.size > 0) return;
  }
  const fins = listFinalizers(crd);
  if (!fins.includes(crdCleanupFinalizer)) return;
  const next: KObj = {
    ...crd,
    metadata: { ...crd.metadata, finalizers: fins.filter((f) => f !== crdCleanupFinalizer) },
  };
  state.replace(crds, crd, next);
}
