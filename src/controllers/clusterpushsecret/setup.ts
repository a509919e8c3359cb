/**
 * The ClusterPushSecret controller: its spec changes, namespaces appearing, going or changing labels, and its
 * PushSecrets deleted by someone else (re-created) all reconcile it.
 */
import { type CachedKubeClient, CLUSTER_PUSH_SECRETS, NAMESPACES, PUSH_SECRETS } from "../../kube/index.js";
import type { Controller } from "../../runtime/controller.js";
import { type ControllerSet, requestOf } from "../../runtime/controller-builder.js";
import { labelsChanged } from "../common/predicates.js";
import { NAMESPACE_METADATA } from "../common/scopes.js";
import type { ControllerDeps } from "../deps.js";
import { ClusterPushSecretReconciler } from "./reconciler.js";

export function setupClusterPushSecrets(
  set: ControllerSet,
  deps: ControllerDeps,
  client: CachedKubeClient,
): Controller {
  const namespaces = set.informer(NAMESPACES, NAMESPACE_METADATA);
  const builder = set.controller("clusterpushsecret").for(CLUSTER_PUSH_SECRETS, {
    predicate: (a, b) => a.metadata.generation !== b.metadata.generation,
    onDelete: () => {},
  });
  client.cache(CLUSTER_PUSH_SECRETS, builder.forInformer);
  const all = () => builder.forInformer.cache.list().map(requestOf);
  return builder
    .watches(namespaces, { predicate: labelsChanged, map: all })
    .owns(PUSH_SECRETS, { namespace: deps.namespace, events: ["delete"] })
    .complete(new ClusterPushSecretReconciler({ client, log: deps.log, namespaces }));
}
