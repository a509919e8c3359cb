/**
 * Small pieces every controller's wiring uses: the request for an object, the update predicate, the
 * metadata-only transform, and replaying an informer's cache when a controller (re)starts.
 */
import type { Controller, Request } from "../../runtime/controller.js";
import type { Informer } from "../../runtime/informer.js";
import type { KubeObject } from "../../runtime/resource.js";

export function metaOf(obj: KubeObject): Request {
  return { namespace: obj.metadata.namespace ?? "", name: obj.metadata.name };
}

/** Keeps only what identifies an object and its metadata (labels, owners, deletion). */
export function metadataOnly(obj: KubeObject): KubeObject {
  return { apiVersion: obj.apiVersion, kind: obj.kind, metadata: obj.metadata };
}

/**
 * As upstream's predicates: spec (generation), labels, annotations (force-sync), finalizers or deletion changed.
 * A controller's own status writes change none of these, so they do not run it again.
 */
export function specOrMetaChanged(a: KubeObject, b: KubeObject): boolean {
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
  return JSON.stringify(a.metadata.labels ?? {}) !== JSON.stringify(b.metadata.labels ?? {});
}

/** Whenever `controller` (re)starts (e.g. on gaining leadership), it reconciles everything `informer` holds. */
export function replayOnStart(controller: Controller, informer: Informer<KubeObject>): void {
  controller.onStarted(() => {
    for (const o of informer.cache.list()) controller.enqueue(metaOf(o));
  });
}
