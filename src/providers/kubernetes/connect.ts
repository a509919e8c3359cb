/**
 * The client for the cluster a kubernetes store points at, its credentials resolved. It uses the operator's
 * transport code with its own connection and rate limiter: never the operator's identity or request budget.
 */
import type { KubernetesProvider } from "../../api/providers/kubernetes.js";
import { KubeClient, type KubeConnection } from "../../kube/index.js";
import { StoreConfigError } from "../errors.js";
import type { ProviderContext } from "../provider.js";
import { resolveCABundle, resolveSecretKey, resolveSecretKeyString, serviceAccountToken } from "../resolvers.js";
import { connectionFromTenantKubeconfig } from "./tenant-kubeconfig.js";

const FIELD = "spec.provider.kubernetes";

/** A store's own client: a 30 s timeout per request and no 429 retries, so one sync never waits long on it. */
export function tenantClient(conn: KubeConnection): KubeClient {
  return new KubeClient({ connection: conn, timeoutMs: 30_000, maxRetries: 0 });
}

export async function connectToStoreCluster(spec: KubernetesProvider, ctx: ProviderContext): Promise<KubeClient> {
  return tenantClient(await storeConnection(spec, ctx));
}

async function storeConnection(spec: KubernetesProvider, ctx: ProviderContext): Promise<KubeConnection> {
  if (spec.authRef) {
    const kubeconfig = (await resolveSecretKey(ctx, spec.authRef, `${FIELD}.authRef`)).toString("utf8");
    // Never handed to client-node: it would run exec plugins and read local files named in the Secret.
    return connectionFromTenantKubeconfig(kubeconfig, `${FIELD}.authRef`);
  }
  const server = spec.server?.url ?? "kubernetes.default";
  const ca = await resolveCABundle(ctx, spec.server?.caBundle, spec.server?.caProvider, `${FIELD}.server`);
  const conn: KubeConnection = { server, ca };
  const auth = spec.auth;
  if (!auth) throw new StoreConfigError(`${FIELD}.auth: one of token, serviceAccount or cert is required`);
  if (auth.token) {
    if (!auth.token.bearerToken) throw new StoreConfigError(`${FIELD}.auth.token.bearerToken: is required`);
    conn.token = await resolveSecretKeyString(ctx, auth.token.bearerToken, `${FIELD}.auth.token.bearerToken`);
  } else if (auth.serviceAccount) {
    conn.token = await serviceAccountToken(ctx, auth.serviceAccount, [], `${FIELD}.auth.serviceAccount`);
  } else if (auth.cert) {
    if (!auth.cert.clientCert || !auth.cert.clientKey) {
      throw new StoreConfigError(`${FIELD}.auth.cert: clientCert and clientKey are required`);
    }
    conn.cert = await resolveSecretKey(ctx, auth.cert.clientCert, `${FIELD}.auth.cert.clientCert`);
    conn.key = await resolveSecretKey(ctx, auth.cert.clientKey, `${FIELD}.auth.cert.clientKey`);
  } else {
    throw new StoreConfigError(`${FIELD}.auth: one of token, serviceAccount or cert is required`);
  }
  return conn;
}
