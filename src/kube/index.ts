/** The Kubernetes layer: one transport, one typed client, the informer-backed reader, the resource table. */
export { CachedKubeClient, type CacheSource } from "./cached-reader.js";
export {
  type DeleteOptions,
  KubeClient,
  type ListOptions,
  type PatchOptions,
  type PatchType,
  type WatchOptions,
} from "./client.js";
export { ApiError, isAlreadyExists, isConflict, isGone, isNotFound } from "./errors.js";
export {
  type KubeList,
  type KubeObject,
  type ListMeta,
  MANAGED_LABEL,
  MANAGED_LABEL_VALUE,
  MANAGED_SELECTOR,
  type ObjectMeta,
  type OwnerReference,
  objectKey,
  rfc3339,
  type Stored,
} from "./object.js";
export { RecentReads, type RecentReadsOptions } from "./recent-reads.js";
export {
  apiVersionOf,
  CLUSTER_EXTERNAL_SECRETS,
  CLUSTER_PUSH_SECRETS,
  CLUSTER_SECRET_STORES,
  CONFIGMAPS,
  CUSTOM_RESOURCE_DEFINITIONS,
  EVENTS,
  EXTERNAL_SECRETS,
  GENERATOR_STATES,
  generatorResource,
  LEASES,
  NAMESPACES,
  PUSH_SECRETS,
  type ResourceDescriptor,
  resourceFor,
  resourcePath,
  SECRET_STORES,
  SECRETS,
  SERVICE_ACCOUNTS,
  VALIDATING_WEBHOOK_CONFIGURATIONS,
} from "./resources.js";
export { decodeSecretData, encodeSecretData } from "./secret-data.js";
export {
  DEFAULT_MAX_RESPONSE_BYTES,
  type KubeConnection,
  KubeTransport,
  type KubeTransportOptions,
  type Query,
  type RequestOptions,
  type RestClientMetrics,
  type WatchEvent,
} from "./transport.js";
