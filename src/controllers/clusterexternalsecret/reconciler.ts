/**
 * ClusterExternalSecret: one ExternalSecret per selected namespace, owned by the ClusterExternalSecret,
 * kept equal to its template; removed from namespaces that stop matching.
 */
import type { ClusterExternalSecret } from "../../api/clusterexternalsecret.js";
import { CLUSTER_EXTERNAL_SECRETS, EXTERNAL_SECRETS, type KubeClient, type KubeObject } from "../../kube/index.js";
import type { ReconcileContext, Request, Result } from "../../runtime/controller.js";
import type { Informer } from "../../runtime/informer.js";
import type { Logger } from "../../runtime/logger.js";
import type { EsoMetrics } from "../common/metrics.js";
import { NamespaceFanOut } from "../common/namespace-fanout.js";
import type { LabelSelector } from "../common/selector.js";

export interface ClusterExternalSecretReconcilerOptions {
  client: KubeClient;
  log: Logger;
  /** The shared Namespace informer: namespaces are selected from its cache once it has synced. */
  namespaces?: Informer<KubeObject>;
  metrics?: EsoMetrics;
  now?: () => number;
}

export class ClusterExternalSecretReconciler {
  private readonly fanOut: NamespaceFanOut;

  constructor(private readonly opts: ClusterExternalSecretReconcilerOptions) {
    this.fanOut = new NamespaceFanOut(
      opts.client,
      {
        ownerKind: "ClusterExternalSecret",
        ownerResource: CLUSTER_EXTERNAL_SECRETS,
        ownerApiVersion: "external-secrets.io/v1",
        childKind: "ExternalSecret",
        childResource: EXTERNAL_SECRETS,
        childApiVersion: "external-secrets.io/v1",
        statusNameField: "externalSecretName",
        conflictReason: "external secret already exists in namespace",
      },
      opts.now,
      opts.namespaces,
    );
  }

  async reconcile({ name }: Request, ctx?: Pick<ReconcileContext, "signal">): Promise<Result | undefined> {
    const signal = ctx?.signal;
    const done = this.opts.metrics?.reconcileTimer("ClusterExternalSecret", name);
    try {
      return await this.reconcileOnce(name, signal);
    } finally {
      done?.();
    }
  }

  private async reconcileOnce(name: string, signal?: AbortSignal): Promise<Result | undefined> {
    const ces = await this.opts.client.get<ClusterExternalSecret>(CLUSTER_EXTERNAL_SECRETS, "", name, signal);
    if (!ces || ces.metadata?.deletionTimestamp) {
      this.opts.metrics?.forget("ClusterExternalSecret", name);
      return undefined;
    }
    const selectors: LabelSelector[] = [...(ces.spec.namespaceSelectors ?? [])];
    if (ces.spec.namespaceSelector) selectors.push(ces.spec.namespaceSelector);
    return this.fanOut.reconcile({
      owner: ces,
      childName: ces.spec.externalSecretName || name,
      childSpec: ces.spec.externalSecretSpec,
      childMetadata: ces.spec.externalSecretMetadata,
      selectors,
      namespaces: ces.spec.namespaces,
      refreshTime: ces.spec.refreshTime,
      onReady: (ready) => this.opts.metrics?.recordClusterExternalSecretReady(name, ready),
    });
  }
}
