/**
 * ClusterPushSecret: one PushSecret per namespace matched by namespaceSelectors, owned by the
 * ClusterPushSecret and kept equal to pushSecretSpec; removed from namespaces that stop matching. A
 * PushSecret of the same name that this ClusterPushSecret does not own is never touched.
 */
import type { ClusterPushSecret } from "../../api/pushsecret.js";
import { CLUSTER_PUSH_SECRETS, type KubeClient, type KubeObject, PUSH_SECRETS } from "../../kube/index.js";
import type { ReconcileContext, Request, Result } from "../../runtime/controller.js";
import type { Informer } from "../../runtime/informer.js";
import type { Logger } from "../../runtime/logger.js";
import { NamespaceFanOut } from "../common/namespace-fanout.js";
import { PUSH_SECRET_API_VERSION } from "../pushsecret/resources.js";

export interface ClusterPushSecretReconcilerOptions {
  client: KubeClient;
  log: Logger;
  /** The shared Namespace informer: namespaces are selected from its cache once it has synced. */
  namespaces?: Informer<KubeObject>;
  now?: () => number;
}

export class ClusterPushSecretReconciler {
  private readonly fanOut: NamespaceFanOut;

  constructor(private readonly opts: ClusterPushSecretReconcilerOptions) {
    this.fanOut = new NamespaceFanOut(
      opts.client,
      {
        ownerKind: "ClusterPushSecret",
        ownerResource: CLUSTER_PUSH_SECRETS,
        ownerApiVersion: PUSH_SECRET_API_VERSION,
        childKind: "PushSecret",
        childResource: PUSH_SECRETS,
        childApiVersion: PUSH_SECRET_API_VERSION,
        statusNameField: "pushSecretName",
        conflictReason: "push secret already exists in namespace",
      },
      opts.now,
      opts.namespaces,
    );
  }

  async reconcile({ name }: Request, ctx?: Pick<ReconcileContext, "signal">): Promise<Result | undefined> {
    const signal = ctx?.signal;
    const cps = await this.opts.client.get<ClusterPushSecret>(CLUSTER_PUSH_SECRETS, "", name, signal);
    if (!cps || cps.metadata?.deletionTimestamp) return undefined;
    return this.fanOut.reconcile({
      owner: cps,
      childName: cps.spec.pushSecretName || name,
      childSpec: cps.spec.pushSecretSpec,
      childMetadata: cps.spec.pushSecretMetadata,
      selectors: cps.spec.namespaceSelectors ?? [],
      refreshTime: cps.spec.refreshTime,
    });
  }
}
