/**
 * KubeAccess over the operator's KubeClient: providers' credential reads (Secrets, ConfigMaps, ServiceAccount
 * annotations) and TokenRequests are ordinary API calls, under the client's rate limit and request metrics.
 * Secret and ConfigMap reads go through RecentReads (shared while in flight, kept `ttlMs`); `fresh()` is a view
 * whose reads always go to the cluster. ServiceAccount tokens are never reused: each TokenRequest is meant to be new.
 */
import {
  CONFIGMAPS,
  decodeSecretData,
  type KubeClient,
  type KubeObject,
  RecentReads,
  type RecentReadsOptions,
  SECRETS,
  SERVICE_ACCOUNTS,
} from "../kube/index.js";
import type { KubeAccess } from "./provider.js";

type SecretObject = KubeObject & { data?: Record<string, string> };
type ConfigMapObject = KubeObject & { data?: Record<string, string>; binaryData?: Record<string, string> };

export class ClusterKubeAccess implements KubeAccess {
  private readonly reads: RecentReads;

  constructor(
    private readonly client: KubeClient,
    opts: RecentReadsOptions = {},
  ) {
    this.reads = new RecentReads(client, opts);
  }

  getSecret(namespace: string, name: string): Promise<Record<string, Buffer> | undefined> {
    return this.readSecret(namespace, name, false);
  }

  getConfigMap(namespace: string, name: string): Promise<Record<string, string> | undefined> {
    return this.readConfigMap(namespace, name, false);
  }

  createServiceAccountToken(
    namespace: string,
    serviceAccount: string,
    audiences: string[],
    expirationSeconds?: number,
  ): Promise<string> {
    return this.client.createToken(namespace, serviceAccount, { audiences, expirationSeconds });
  }

  async getServiceAccountAnnotations(namespace: string, name: string): Promise<Record<string, string> | undefined> {
    const sa = await this.client.get<KubeObject>(SERVICE_ACCOUNTS, namespace, name);
    return sa ? (sa.metadata?.annotations ?? {}) : undefined;
  }

  /** A view whose reads always go to the cluster (and update what the others are answered). */
  fresh(): KubeAccess {
    return {
      getSecret: (namespace, name) => this.readSecret(namespace, name, true),
      getConfigMap: (namespace, name) => this.readConfigMap(namespace, name, true),
      createServiceAccountToken: (...args) => this.createServiceAccountToken(...args),
      getServiceAccountAnnotations: (namespace, name) => this.getServiceAccountAnnotations(namespace, name),
    };
  }

  private async readSecret(namespace: string, name: string, fresh: boolean) {
    const secret = await this.reads.get<SecretObject>(SECRETS, namespace, name, fresh);
    return secret ? decodeSecretData(secret.data) : undefined;
  }

  private async readConfigMap(namespace: string, name: string, fresh: boolean) {
    const cm = await this.reads.get<ConfigMapObject>(CONFIGMAPS, namespace, name, fresh);
    if (!cm) return undefined;
    const out: Record<string, string> = { ...(cm.data ?? {}) };
    for (const [k, v] of Object.entries(cm.binaryData ?? {})) out[k] = Buffer.from(v, "base64").toString("utf8");
    return out;
  }
}
