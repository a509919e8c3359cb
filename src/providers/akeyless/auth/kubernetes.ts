/** Akeyless Kubernetes auth: a ServiceAccount JWT presented with an access id and a gateway auth config. */
import type { AkeylessProvider } from "../../../api/providers/akeyless.js";
import { StoreConfigError } from "../../errors.js";
import type { ProviderContext } from "../../provider.js";
import { resolveSecretKeyString, serviceAccountToken } from "../../resolvers.js";
import { ownServiceAccountToken, refuseOwnTokenForSecretStore } from "../../tenant-policy.js";

type KubernetesAuth = NonNullable<NonNullable<AkeylessProvider["authSecretRef"]>["kubernetesAuth"]>;

const FIELD = "spec.provider.akeyless";
const OWN_TOKEN_REMEDY = "authSecretRef.kubernetesAuth with serviceAccountRef or secretRef";

export function kubernetesLogin(accessId: string, configName: string, jwt: string): Record<string, unknown> {
  return {
    "access-id": accessId,
    "access-type": "k8s",
    "k8s-auth-config-name": configName,
    "k8s-service-account-token": Buffer.from(jwt, "utf8").toString("base64"),
  };
}

/** authSecretRef.kubernetesAuth: a token from secretRef, or one minted for serviceAccountRef. */
export async function kubernetesAuth(k: KubernetesAuth, ctx: ProviderContext): Promise<Record<string, unknown>> {
  const where = `${FIELD}.authSecretRef.kubernetesAuth`;
  let jwt: string;
  if (k.secretRef) jwt = await resolveSecretKeyString(ctx, { key: "token", ...k.secretRef }, `${where}.secretRef`);
  else if (k.serviceAccountRef)
    jwt = await serviceAccountToken(ctx, k.serviceAccountRef, [], `${where}.serviceAccountRef`);
  else throw new StoreConfigError(`${where}: serviceAccountRef or secretRef is required`);
  return kubernetesLogin(k.accessID, k.k8sConfName, jwt);
}

/**
 * authSecretRef.secretRef with access type k8s: as upstream, the operator's own ServiceAccount token, which only a
 * ClusterSecretStore may send (a SecretStore's gateway URL is chosen by a namespace admin).
 */
export async function ownTokenAuth(
  accessId: string,
  configName: () => Promise<string>,
  ctx: ProviderContext,
  where: string,
): Promise<Record<string, unknown>> {
  refuseOwnTokenForSecretStore(ctx, `${where}.accessType`, OWN_TOKEN_REMEDY);
  const name = await configName();
  const jwt = await ownServiceAccountToken(ctx, `${where}.accessType`, OWN_TOKEN_REMEDY);
  return kubernetesLogin(accessId, name, jwt);
}
