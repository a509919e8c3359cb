/**
 * A store's connection to a Kubernetes API server, as the kubernetes provider configures it (server + auth, or a
 * kubeconfig in authRef), resolved with the store's tenancy rules. Shared by the kubernetes and crd providers.
 */

import type { CAProvider, SecretKeySelector } from "../../../api/common.js";
import type { KubernetesAuth } from "../../../api/providers/kubernetes.js";
import { KubeClient, type KubeConnection } from "../../../kube/index.js";
import { StoreConfigError } from "../../errors.js";
import type { CredentialScope } from "../../provider.js";
import { resolveCABundle, resolveSecretKey, resolveSecretKeyString, serviceAccountToken } from "../../resolvers.js";
import { connectionFromTenantKubeconfig } from "../tenant-kubeconfig.js";

export interface StoreConnectionSpec {
  server?: { url?: string; caBundle?: string; caProvider?: CAProvider };
  auth?: KubernetesAuth;
  authRef?: SecretKeySelector;
}

/** A store's own client: a 30 s timeout per request and no 429 retries, so one sync never waits long on it. */
export function tenantClient(conn: KubeConnection): KubeClient {
  return new KubeClient({ connection: conn, timeoutMs: 30_000, maxRetries: 0 });
}

/** The connection `spec` describes; errors name fields under `field` (e.g. "spec.provider.kubernetes"). */
export async function storeConnection(
  spec: StoreConnectionSpec,
  ctx: CredentialScope,
  field: string,
): Promise<KubeConnection> {
  if (spec.authRef) {
    const kubeconfig = (await resolveSecretKey(ctx, spec.authRef, `${field}.authRef`)).toString("utf8");
    // Never handed to client-node: it would run exec plugins and read local files named in the Secret.
    return connectionFromTenantKubeconfig(kubeconfig, `${field}.authRef`);
  }
  const server = spec.server?.url ?? "kubernetes.default";
  const ca = await resolveCABundle(ctx, spec.server?.caBundle, spec.server?.caProvider, `${field}.server`);
  const conn: KubeConnection = { server, ca };
  const auth = spec.auth;
  if (!auth) throw new StoreConfigError(`${field}.auth: one of token, serviceAccount or cert is required`);
  if (auth.token) {
    if (!auth.token.bearerToken) throw new StoreConfigError(`${field}.auth.token.bearerToken: is required`);
    conn.token = await resolveSecretKeyString(ctx, auth.token.bearerToken, `${field}.auth.token.bearerToken`);
  } else if (auth.serviceAccount) {
    conn.token = await serviceAccountToken(ctx, auth.serviceAccount, [], `${field}.auth.serviceAccount`);
  } else if (auth.cert) {
    if (!auth.cert.clientCert || !auth.cert.clientKey) {
      throw new StoreConfigError(`${field}.auth.cert: clientCert and clientKey are required`);
    }
    conn.cert = await resolveSecretKey(ctx, auth.cert.clientCert, `${field}.auth.cert.clientCert`);
    conn.key = await resolveSecretKey(ctx, auth.cert.clientKey, `${field}.auth.cert.clientKey`);
  } else {
    throw new StoreConfigError(`${field}.auth: one of token, serviceAccount or cert is required`);
  }
  return conn;
}
