/** The update predicates controllers filter events with, and the metadata-only transform. */
import type { KubeObject, Stored } from "../../kube/index.js";

/** Keeps only what identifies an object and its metadata (labels, owners, deletion). */
export function metadataOnly(obj: Stored): Stored {
  return { apiVersion: obj.apiVersion, kind: obj.kind, metadata: obj.metadata };
}

/**
 * As upstream's predicates: spec (generation), labels, annotations (force-sync), finalizers or deletion changed.
 * A controller's own status writes change none of these, so they do not run it again.
 */
export function specOrMetaChanged(a: Stored, b: Stored): boolean {
  const ma = a.metadata;
  const mb = b.metadata;
  return (
    ma.generation !== mb.generation ||
    ma.deletionTimestamp !== mb.deletionTimestamp ||
    labelsChanged(a, b) ||
    JSON.stringify(ma.annotations ?? {}) !== JSON.stringify(mb.annotations ?? {}) ||
    JSON.stringify(ma.finalizers ?? []) !== JSON.stringify(mb.finalizers ?? [])
  );
}

export function labelsChanged(a: KubeObject, b: KubeObject): boolean {
  return JSON.stringify(a.metadata?.labels ?? {}) !== JSON.stringify(b.metadata?.labels ?? {});
}
