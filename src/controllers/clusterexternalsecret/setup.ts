/**
 * The ClusterExternalSecret controller: its spec changes, namespaces appearing, going or changing labels, and its
 * ExternalSecrets deleted by someone else (re-created) all reconcile it.
 */
import { CachedKubeClient, CLUSTER_EXTERNAL_SECRETS, EXTERNAL_SECRETS, NAMESPACES } from "../../kube/index.js";
import type { Controller } from "../../runtime/controller.js";
import { type ControllerSet, requestOf } from "../../runtime/controller-builder.js";
import { labelsChanged } from "../common/predicates.js";
import { NAMESPACE_METADATA } from "../common/scopes.js";
import type { ControllerDeps } from "../deps.js";
import { ClusterExternalSecretReconciler } from "./reconciler.js";

export function setupClusterExternalSecrets(set: ControllerSet, deps: ControllerDeps): Controller {
  const namespaces = set.informer(NAMESPACES, NAMESPACE_METADATA);
  // Sharded, the ExternalSecret cache holds this replica's share only: the fan-out reads its children from the server.
  const client = deps.sharded ? new CachedKubeClient(deps.server.transport) : deps.client;
  const reconciler = new ClusterExternalSecretReconciler({
    client,
    log: deps.log,
    metrics: deps.metrics,
    namespaces,
  });
  const builder = set.controller("clusterexternalsecret").for(CLUSTER_EXTERNAL_SECRETS, {
    predicate: (a, b) => a.metadata.generation !== b.metadata.generation,
    onDelete: (o) => deps.metrics.forget("ClusterExternalSecret", o.metadata.name),
  });
  deps.client.cache(CLUSTER_EXTERNAL_SECRETS, builder.forInformer);
  if (client !== deps.client) client.cache(CLUSTER_EXTERNAL_SECRETS, builder.forInformer).cache(NAMESPACES, namespaces);
  const all = () => builder.forInformer.cache.list().map(requestOf);
  return builder
    .watches(namespaces, { predicate: labelsChanged, map: all })
    .owns(EXTERNAL_SECRETS, { namespace: deps.namespace, events: ["delete"] })
    .complete(reconciler);
}
