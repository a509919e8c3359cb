/**
 * Shard mode's split of the controllers' kinds: ExternalSecrets, PushSecrets and the cluster fan-out kinds are
 * owned by the hash of their own key; a managed Secret goes with the ExternalSecret that owns it (so a replica
 * caches the Secrets of its own ExternalSecrets only). Stores, namespaces, GeneratorStates and every other Secret
 * are cached whole by every replica; their reconciles are still split by key.
 */
import {
  CLUSTER_EXTERNAL_SECRETS,
  CLUSTER_PUSH_SECRETS,
  EXTERNAL_SECRETS,
  MANAGED_SELECTOR,
  objectKey,
  PUSH_SECRETS,
  type ResourceDescriptor,
  SECRETS,
  type Stored,
} from "../kube/index.js";
import type { ShardBy } from "../runtime/shard-ring.js";

export interface ShardModeOptions {
  /** Namespace of the members' Leases. */
  namespace: string;
  /** Names the Leases; replicas of one group split the work (default "external-secrets-controller"). */
  group?: string;
  /** Unique per process. */
  identity: string;
  /** Place keys by object (default) or by namespace (keeps a namespace's shared provider reads on one replica). */
  by?: ShardBy;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
}

const OWN_KEY = new Set([EXTERNAL_SECRETS, PUSH_SECRETS, CLUSTER_EXTERNAL_SECRETS, CLUSTER_PUSH_SECRETS]);

/** The owning ExternalSecret's key; undefined (kept by every replica) for a Secret no ExternalSecret owns. */
function managedSecretKey(secret: Stored): string | undefined {
  const ref = secret.metadata.ownerReferences?.find(
    (r) => r.kind === EXTERNAL_SECRETS.kind && r.apiVersion.startsWith(`${EXTERNAL_SECRETS.group}/`),
  );
  return ref ? `${secret.metadata.namespace}/${ref.name}` : undefined;
}

export function shardKeys(
  resource: ResourceDescriptor,
  labelSelector?: string,
): ((obj: Stored) => string | undefined) | undefined {
  if (OWN_KEY.has(resource)) return objectKey;
  if (resource === SECRETS && labelSelector === MANAGED_SELECTOR) return managedSecretKey;
  return undefined;
}
