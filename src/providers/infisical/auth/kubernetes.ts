/**
 * kubernetesAuthCredentials: as upstream, a ServiceAccount token read from the operator's filesystem (the
 * operator's own token, or serviceAccountTokenPath) is presented to Infisical's Kubernetes auth. The operator's
 * identity is only offered by ClusterSecretStores.
 */
import type { InfisicalAuth } from "../../../api/providers/infisical.js";
import type { CredentialScope } from "../../provider.js";
import { resolveSecretKeyString } from "../../resolvers.js";
import { ownServiceAccountToken, refuseOwnTokenForSecretStore } from "../../tenant-policy.js";
import { AUTH_FIELD, type IdentityLogin } from "./login.js";
import { readOperatorFile, requirePathNamespace, TENANT_METHODS } from "./operator-identity.js";

const FIELD = `${AUTH_FIELD}.kubernetesAuthCredentials`;

export async function kubernetesAuth(
  c: NonNullable<InfisicalAuth["kubernetesAuthCredentials"]>,
  ctx: CredentialScope,
): Promise<IdentityLogin> {
  refuseOwnTokenForSecretStore(ctx, FIELD, TENANT_METHODS);
  const identityId = await resolveSecretKeyString(ctx, c.identityId, `${FIELD}.identityId`);
  let jwt: string;
  if (c.serviceAccountTokenPath?.name) {
    const pathField = `${FIELD}.serviceAccountTokenPath`;
    requirePathNamespace(ctx, c.serviceAccountTokenPath, pathField);
    const path = await resolveSecretKeyString(ctx, c.serviceAccountTokenPath, pathField);
    jwt = await readOperatorFile(ctx, path, pathField);
  } else {
    jwt = await ownServiceAccountToken(ctx, FIELD, TENANT_METHODS);
  }
  return {
    kind: "login",
    method: "kubernetes-auth",
    fingerprint: [identityId, jwt],
    body: async () => ({ identityId, jwt }),
  };
}
