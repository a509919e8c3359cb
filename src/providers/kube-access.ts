/**
 * KubeAccess over the operator's own cluster connection (a @kubernetes/client-node KubeConfig): reads
 * Secrets, ConfigMaps and ServiceAccounts and requests ServiceAccount tokens for providers' credentials.
 */
import type { KubeConfig } from "@kubernetes/client-node";
import { decodeData, type KubeConnection, kubeGet, kubeRequest } from "./kubernetes/rest.js";
import type { KubeAccess } from "./provider.js";

/** The connection a KubeConfig's current context describes (token, client cert, CA, TLS verification). */
export async function connectionFromKubeConfig(kc: KubeConfig): Promise<KubeConnection> {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error("kubeconfig has no current cluster");
  const opts: { headers?: Record<string, any>; ca?: any; cert?: any; key?: any } = {};
  await kc.applyToHTTPSOptions(opts as any);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(opts.headers ?? {})) if (typeof v === "string") headers[k.toLowerCase()] = v;
  return {
    server: cluster.server,
    ca: opts.ca,
    cert: opts.cert,
    key: opts.key,
    insecureSkipTLSVerify: cluster.skipTLSVerify,
    headers,
  };
}

const enc = encodeURIComponent;

export class ClusterKubeAccess implements KubeAccess {
  constructor(private readonly conn: KubeConnection) {}

  static async fromKubeConfig(kc: KubeConfig): Promise<ClusterKubeAccess> {
    return new ClusterKubeAccess(await connectionFromKubeConfig(kc));
  }

  async getSecret(namespace: string, name: string): Promise<Record<string, Buffer> | undefined> {
    const secret = await kubeGet(this.conn, `/api/v1/namespaces/${enc(namespace)}/secrets/${enc(name)}`);
    return secret ? decodeData(secret.data) : undefined;
  }

  async getConfigMap(namespace: string, name: string): Promise<Record<string, string> | undefined> {
    const cm = await kubeGet(this.conn, `/api/v1/namespaces/${enc(namespace)}/configmaps/${enc(name)}`);
    if (!cm) return undefined;
    const out: Record<string, string> = { ...(cm.data ?? {}) };
    for (const [k, v] of Object.entries((cm.binaryData ?? {}) as Record<string, string>)) {
      out[k] = Buffer.from(v, "base64").toString("utf8");
    }
    return out;
  }

  async createServiceAccountToken(
    namespace: string,
    serviceAccount: string,
    audiences: string[],
    expirationSeconds?: number,
  ): Promise<string> {
    const body = {
      apiVersion: "authentication.k8s.io/v1",
      kind: "TokenRequest",
      spec: { audiences, ...(expirationSeconds ? { expirationSeconds } : {}) },
    };
    const res = await kubeRequest(
      this.conn,
      "POST",
      `/api/v1/namespaces/${enc(namespace)}/serviceaccounts/${enc(serviceAccount)}/token`,
      body,
    );
    const token = res.body?.status?.token;
    if (typeof token !== "string" || !token) {
      throw new Error(`TokenRequest for ServiceAccount ${namespace}/${serviceAccount} returned no token`);
    }
    return token;
  }

  async getServiceAccountAnnotations(namespace: string, name: string): Promise<Record<string, string> | undefined> {
    const sa = await kubeGet(this.conn, `/api/v1/namespaces/${enc(namespace)}/serviceaccounts/${enc(name)}`);
    return sa ? (sa.metadata?.annotations ?? {}) : undefined;
  }
}
