import { StoreConfigError } from "../../../errors.js";
import { resolveSecretKeyString } from "../../../resolvers.js";
import { type AuthFactory, trimSlashes, vaultLogin } from "./types.js";

const FIELD = "spec.provider.vault.auth.cert";

/**
 * auth.cert: TLS client-certificate login; the certificate is presented on the connection itself, and
 * vaultRole (Vault's `name`) picks the cert role to match instead of trying them all.
 */
export const certAuth: AuthFactory<"cert"> = async (spec, ctx) => {
  if (!spec.clientCert) throw new StoreConfigError(`${FIELD}.clientCert: is required`);
  if (!spec.secretRef) throw new StoreConfigError(`${FIELD}.secretRef: is required`);
  const cert = await resolveSecretKeyString(
    ctx,
    { ...spec.clientCert, key: spec.clientCert.key || "tls.crt" },
    `${FIELD}.clientCert`,
  );
  const key = await resolveSecretKeyString(
    ctx,
    { ...spec.secretRef, key: spec.secretRef.key || "tls.key" },
    `${FIELD}.secretRef`,
  );
  const path = `auth/${trimSlashes(spec.path || "cert")}/login`;
  return {
    kind: "login",
    name: "cert",
    fingerprint: `${cert}\u0000${key}\u0000${spec.vaultRole ?? ""}`,
    clientTls: { cert, key },
    login: (http, ns) => vaultLogin(http, "cert", path, spec.vaultRole ? { name: spec.vaultRole } : {}, ns),
  };
};
