/** The SecretStore and ClusterSecretStore controllers: each validates its kind when the spec changes, and on a timer. */
import { CLUSTER_SECRET_STORES, SECRET_STORES } from "../../kube/index.js";
import type { StoreKind } from "../../providers/provider.js";
import type { Controller } from "../../runtime/controller.js";
import type { ControllerSet } from "../../runtime/controller-builder.js";
import type { ControllerDeps } from "../deps.js";
import { SecretStoreReconciler } from "./reconciler.js";

export interface SecretStoreSetupOptions {
  /** Re-validation interval when a store sets none (ms). */
  storeRequeueMs?: number;
  /** Namespace a ClusterSecretStore's credentials resolve in when they name none (validation only). */
  clusterStoreNamespace?: string;
}

export function setupSecretStores(
  set: ControllerSet,
  deps: ControllerDeps,
  kind: StoreKind,
  opts: SecretStoreSetupOptions = {},
): Controller {
  const cluster = kind === "ClusterSecretStore";
  const reconciler = new SecretStoreReconciler({
    kind,
    client: deps.client,
    kube: deps.kube,
    providers: deps.providers,
    events: deps.events,
    metrics: deps.metrics,
    log: deps.log,
    controllerClass: deps.controllerClass,
    defaultRequeueMs: opts.storeRequeueMs,
    clusterStoreNamespace: cluster ? opts.clusterStoreNamespace : undefined,
    reconcileTimeoutMs: deps.reconcileTimeoutMs,
  });
  return set
    .controller(cluster ? "clustersecretstore" : "secretstore")
    .for(cluster ? CLUSTER_SECRET_STORES : SECRET_STORES, {
      namespace: cluster ? undefined : deps.namespace,
      predicate: (a, b) => a.metadata.generation !== b.metadata.generation,
      onDelete: (o) => deps.metrics.forget(kind, o.metadata.name, o.metadata.namespace),
    })
    .complete(reconciler);
}
