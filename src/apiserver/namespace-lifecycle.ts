/**
 * kube's namespace controllers: the namespaces every cluster starts with, each namespace's default ServiceAccount,
 * and emptying a terminating namespace before its "kubernetes" finalizer is released.
 */
import type { ClusterState } from "./cluster-state.js";
import { deleteObject } from "./deletion.js";
import type { KObj } from "./types.js";
import { nsKey, saKey } from "./well-known.js";
import { createPrepared } from "./writes.js";

export const initialNamespaces = ["default", "kube-system", "kube-public", "kube-node-lease"];

/** Creates the namespaces every cluster starts with (idempotent). */
export function bootstrapNamespaces(state: ClusterState): void {
  const nsStore = state.types.get(nsKey)!;
  for (const name of initialNamespaces) {
    if (!nsStore.get("", name)) {
      createPrepared(state, nsStore, "v1", { apiVersion: "v1", kind: "Namespace", metadata: { name } }, false);
    }
  }
}

export function namespaceTerminating(state: ClusterState, ns: string): boolean {
  return !!state.types.get(nsKey)!.get("", ns)?.metadata.deletionTimestamp;
}

/** Deletes what a terminating namespace holds; once nothing is left, clears its spec.finalizers (which deletes it). */
export function cleanupNamespace(state: ClusterState, ns: string): void {
  const nsStore = state.types.get(nsKey)!;
  const n = nsStore.get("", ns);
  if (!n?.metadata.deletionTimestamp) return;
  for (const ts of state.types.values()) {
    if (!ts.rt.namespaced) continue;
    for (const o of ts.list(ns)) {
      if (!o.metadata.deletionTimestamp) deleteObject(state, ts, o, "Background");
    }
  }
  for (const ts of state.types.values()) {
    if (ts.rt.namespaced && ts.byNs.has(ns)) return;
  }
  const cur = nsStore.get("", ns)!;
  const next: KObj = { ...cur, spec: { ...(cur.spec ?? {}), finalizers: [] } };
  state.replace(nsStore, cur, next);
}

export function ensureDefaultServiceAccount(state: ClusterState, ns: string): void {
  const n = state.types.get(nsKey)!.get("", ns);
  const sas = state.types.get(saKey)!;
  if (!n || n.metadata.deletionTimestamp || sas.get(ns, "default")) return;
  createPrepared(
    state,
    sas,
    "v1",
    { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "default", namespace: ns } },
    false,
  );
}
