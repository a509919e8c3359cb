/**
 * The shape every Kubernetes object shares. Its metadata is the API's own (`api/meta.ts`), so the `src/api/` kinds
 * satisfy `KubeObject` as they are; objects read from the API server (informer caches, watch events) are `Stored`:
 * their metadata and name are always set.
 */
import type { ObjectMeta as ApiObjectMeta, OwnerReference } from "../api/meta.js";

export type { OwnerReference };

export type ObjectMeta = ApiObjectMeta & {
  /** The API server's write bookkeeping; informers drop it. */
  managedFields?: unknown[];
};

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
}

/** An object as the API server returns it. */
export type Stored<T extends KubeObject = KubeObject> = T & { metadata: ObjectMeta & { name: string } };

export interface ListMeta {
  resourceVersion?: string;
  continue?: string;
}

export interface KubeList<T extends KubeObject = KubeObject> {
  apiVersion?: string;
  kind?: string;
  metadata?: ListMeta;
  items: Stored<T>[];
}

/** metav1.Time: RFC 3339 with second precision. */
export function rfc3339(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

/** Cache/queue key: "namespace/name" or "name". */
export function objectKey(obj: { metadata: { name: string; namespace?: string } }): string {
  return obj.metadata.namespace ? `${obj.metadata.namespace}/${obj.metadata.name}` : obj.metadata.name;
}

/** Label on every Secret the operator manages, value "true"; its Secret cache holds only these. */
export const MANAGED_LABEL = "reconcile.external-secrets.io/managed";
export const MANAGED_LABEL_VALUE = "true";
export const MANAGED_SELECTOR = `${MANAGED_LABEL}=${MANAGED_LABEL_VALUE}`;
