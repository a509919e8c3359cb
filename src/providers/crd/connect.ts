/**
 * The connection of a crd store. Explicit mode (server.url, auth or authRef): the kubernetes provider's
 * connection, optionally impersonating serviceAccountRef. Simple mode (serviceAccountRef only): the operator's
 * own cluster, with a token requested for that ServiceAccount, never the operator's identity.
 */
import type { CRDProvider } from "../../api/providers/crd.js";
import type { KubeConnection } from "../../kube/index.js";
import { StoreConfigError } from "../errors.js";
import { storeConnection } from "../kubernetes/kit/index.js";
import type { CredentialScope } from "../provider.js";
import { refNamespace, serviceAccountToken } from "../resolvers.js";
import { localCluster } from "./local-cluster.js";

export const FIELD = "spec.provider.crd";

export function usesExplicitConnection(spec: CRDProvider): boolean {
  return Boolean(spec.auth || spec.authRef || spec.server?.url);
}

/** Simple mode of a ClusterSecretStore without serviceAccountRef.namespace: each consumer's own ServiceAccount. */
export function isReferent(spec: CRDProvider, storeKind: CredentialScope["storeKind"]): boolean {
  return storeKind === "ClusterSecretStore" && !usesExplicitConnection(spec) && !spec.serviceAccountRef?.namespace;
}

export async function crdConnection(spec: CRDProvider, ctx: CredentialScope): Promise<KubeConnection> {
  const sa = spec.serviceAccountRef;
  if (usesExplicitConnection(spec)) {
    const conn = await storeConnection(spec, ctx, FIELD);
    if (!sa) return conn;
    const where = `${FIELD}.serviceAccountRef`;
    if (!sa.name) throw new StoreConfigError(`${where}.name: is required`);
    let namespace: string;
    if (ctx.storeKind === "SecretStore") namespace = refNamespace(ctx, sa, where);
    else if (sa.namespace) namespace = sa.namespace;
    else throw new StoreConfigError(`${where}.namespace: is required to impersonate from a ClusterSecretStore`);
    return {
      ...conn,
      headers: { ...(conn.headers ?? {}), "impersonate-user": `system:serviceaccount:${namespace}:${sa.name}` },
    };
  }
  if (!sa) throw new StoreConfigError(`${FIELD}: one of serviceAccountRef, auth or authRef is required`);
  const where = `${FIELD}.serviceAccountRef`;
  refNamespace(ctx, sa, where);
  const local = await localCluster(FIELD);
  const token = await serviceAccountToken(ctx, sa, [], where);
  return { server: local.server, ...(local.ca ? { ca: local.ca } : {}), token };
}
