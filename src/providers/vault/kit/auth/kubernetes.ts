import { StoreConfigError } from "../../../errors.js";
import { resolveSecretKeyString, serviceAccountToken } from "../../../resolvers.js";
import { ownServiceAccountToken, refuseOwnTokenForSecretStore } from "../../../tenant-policy.js";
import { type AuthFactory, trimSlashes, vaultLogin } from "./types.js";

const FIELD = "spec.provider.vault.auth.kubernetes";
const OWN_TOKEN_REMEDY = "serviceAccountRef or secretRef";

/**
 * auth.kubernetes: a ServiceAccount token minted through the TokenRequest API (audiences as given on the
 * serviceAccountRef; none means the API server's default, as ESO does), a token read from secretRef, or the
 * operator's own mounted token (ClusterSecretStores only: a SecretStore's server is chosen by a namespace admin).
 * The SA token is minted per login, not per reconcile.
 */
export const kubernetesAuth: AuthFactory<"kubernetes"> = async (spec, ctx) => {
  if (!spec.role) throw new StoreConfigError(`${FIELD}.role: is required`);
  const path = `auth/${trimSlashes(spec.mountPath || "kubernetes")}/login`;
  let jwt: () => Promise<string>;
  let fingerprint: string;
  if (spec.serviceAccountRef) {
    const ref = spec.serviceAccountRef;
    jwt = () => serviceAccountToken(ctx, ref, [], `${FIELD}.serviceAccountRef`);
    fingerprint = `sa:${ref.namespace ?? ""}/${ref.name}:${(ref.audiences ?? []).join(",")}`;
  } else if (spec.secretRef) {
    const token = await resolveSecretKeyString(
      ctx,
      { ...spec.secretRef, key: spec.secretRef.key || "token" },
      `${FIELD}.secretRef`,
    );
    jwt = async () => token;
    fingerprint = `secret:${token}`;
  } else {
    refuseOwnTokenForSecretStore(ctx, FIELD, OWN_TOKEN_REMEDY);
    jwt = () => ownServiceAccountToken(ctx, FIELD, OWN_TOKEN_REMEDY);
    fingerprint = "in-cluster";
  }
  return {
    kind: "login",
    name: "kubernetes",
    fingerprint,
    login: async (http, ns) => vaultLogin(http, "kubernetes", path, { role: spec.role, jwt: await jwt() }, ns),
  };
};
