import { readFile } from "node:fs/promises";
import { StoreConfigError } from "../../errors.js";
import { resolveSecretKeyString, serviceAccountToken } from "../../resolvers.js";
import { type AuthFactory, trimSlashes, vaultLogin } from "./types.js";

const FIELD = "spec.provider.vault.auth.kubernetes";
const IN_CLUSTER_TOKEN = "/var/run/secrets/kubernetes.io/serviceaccount/token";

/**
 * auth.kubernetes: a ServiceAccount token minted through the TokenRequest API (audiences as given on the
 * serviceAccountRef; none means the API server's default, as ESO does), a token read from secretRef, or the
 * operator's own mounted token. The SA token is minted per login, not per reconcile.
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
    jwt = async () => {
      try {
        return (await readFile(IN_CLUSTER_TOKEN, "utf8")).trim();
      } catch (err) {
        throw new StoreConfigError(
          `${FIELD}: cannot read the operator's service account token: ${(err as Error).message}`,
        );
      }
    };
    fingerprint = "in-cluster";
  }
  return {
    kind: "login",
    name: "kubernetes",
    fingerprint,
    login: async (http, ns) => vaultLogin(http, "kubernetes", path, { role: spec.role, jwt: await jwt() }, ns),
  };
};
