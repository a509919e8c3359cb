import { StoreConfigError } from "../../../errors.js";
import { resolveSecretKeyString, serviceAccountToken } from "../../../resolvers.js";
import { type AuthFactory, trimSlashes, vaultLogin } from "./types.js";

const FIELD = "spec.provider.vault.auth.jwt";

/** auth.jwt (JWT/OIDC): a JWT from secretRef, or a ServiceAccount token (default audience "vault", 600 s). */
export const jwtAuth: AuthFactory<"jwt"> = async (spec, ctx) => {
  const path = `auth/${trimSlashes(spec.path || "jwt")}/login`;
  const role = (spec.role ?? "").trim();
  let jwt: () => Promise<string>;
  let fingerprint: string;
  const sa =
    spec.kubernetesServiceAccountToken ??
    (spec.serviceAccountRef ? { serviceAccountRef: spec.serviceAccountRef } : undefined);
  if (spec.secretRef) {
    const token = await resolveSecretKeyString(ctx, spec.secretRef, `${FIELD}.secretRef`);
    jwt = async () => token;
    fingerprint = `secret:${token}`;
  } else if (sa) {
    // Always a TokenRequest for the named ServiceAccount (the store's namespace for a SecretStore), never the
    // operator's own token.
    if (!sa.serviceAccountRef?.name) {
      throw new StoreConfigError(`${FIELD}.kubernetesServiceAccountToken.serviceAccountRef.name: is required`);
    }
    const audiences = [...(sa.serviceAccountRef.audiences ?? []), ...(sa.audiences ?? ["vault"])];
    const ref = { ...sa.serviceAccountRef, audiences };
    jwt = () =>
      serviceAccountToken(
        ctx,
        ref,
        audiences,
        `${FIELD}.kubernetesServiceAccountToken.serviceAccountRef`,
        sa.expirationSeconds ?? 600,
      );
    fingerprint = `sa:${ref.namespace ?? ""}/${ref.name}:${audiences.join(",")}`;
  } else {
    throw new StoreConfigError(`${FIELD}: neither secretRef nor kubernetesServiceAccountToken was supplied`);
  }
  return {
    kind: "login",
    name: "jwt",
    fingerprint,
    login: async (http, ns) => vaultLogin(http, "jwt", path, { role, jwt: await jwt() }, ns),
  };
};
