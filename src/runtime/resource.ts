/** Kubernetes object shapes and resource descriptors (which URL a kind lives at). */

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  [key: string]: unknown;
}

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  [key: string]: unknown;
}

export interface ListMeta {
  resourceVersion?: string;
  continue?: string;
}

export interface KubeList<T extends KubeObject = KubeObject> {
  apiVersion?: string;
  kind?: string;
  metadata: ListMeta;
  items: T[];
}

/** Where a kind is served: `/api/v1/...` for the core group, `/apis/<group>/<version>/...` otherwise. */
export interface ResourceDescriptor {
  group: string;
  version: string;
  /** URL segment, e.g. "externalsecrets". */
  plural: string;
  kind: string;
  namespaced: boolean;
}

export function apiVersionOf(rd: ResourceDescriptor): string {
  return rd.group ? `${rd.group}/${rd.version}` : rd.version;
}

/** Path of a collection (`name` omitted) or of one object, optionally a subresource. */
export function resourcePath(rd: ResourceDescriptor, namespace?: string, name?: string, subresource?: string): string {
  let p = rd.group ? `/apis/${rd.group}/${rd.version}` : `/api/${rd.version}`;
  if (rd.namespaced && namespace) p += `/namespaces/${encodeURIComponent(namespace)}`;
  p += `/${rd.plural}`;
  if (name !== undefined) p += `/${encodeURIComponent(name)}`;
  if (subresource) p += `/${subresource}`;
  return p;
}

/** Cache/queue key: "namespace/name" or "name". */
export function objectKey(obj: { metadata: { name: string; namespace?: string } }): string {
  return obj.metadata.namespace ? `${obj.metadata.namespace}/${obj.metadata.name}` : obj.metadata.name;
}

const core = (plural: string, kind: string, namespaced = true): ResourceDescriptor => ({
  group: "",
  version: "v1",
  plural,
  kind,
  namespaced,
});

export const Secrets = core("secrets", "Secret");
export const ConfigMaps = core("configmaps", "ConfigMap");
export const Namespaces = core("namespaces", "Namespace", false);
export const ServiceAccounts = core("serviceaccounts", "ServiceAccount");
export const CoreEvents = core("events", "Event");
export const Leases: ResourceDescriptor = {
  group: "coordination.k8s.io",
  version: "v1",
  plural: "leases",
  kind: "Lease",
  namespaced: true,
};

export const CustomResourceDefinitions: ResourceDescriptor = {
  group: "apiextensions.k8s.io",
  version: "v1",
  plural: "customresourcedefinitions",
  kind: "CustomResourceDefinition",
  namespaced: false,
};

/** Label marking Secrets/ConfigMaps the operator manages (the only ones its caches hold). */
export const MANAGED_LABEL = "reconcile.external-secrets.io/managed";
export const MANAGED_SELECTOR = `${MANAGED_LABEL}=true`;
