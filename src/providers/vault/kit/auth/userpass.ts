import type { SecretKeySelector } from "../../../../api/common.js";
import { StoreConfigError } from "../../../errors.js";
import type { CredentialScope } from "../../../provider.js";
import { resolveSecretKeyString } from "../../../resolvers.js";
import { type AuthMethod, trimSlashes, vaultLogin } from "./types.js";

/** Username/password logins (userpass and ldap share the wire format: auth/<mount>/login/<username>). */
export async function passwordAuth(
  name: "userPass" | "ldap",
  defaultMount: string,
  spec: { path?: string; username: string; secretRef?: SecretKeySelector },
  ctx: CredentialScope,
): Promise<AuthMethod> {
  const field = `spec.provider.vault.auth.${name}`;
  if (!spec.username) throw new StoreConfigError(`${field}.username: is required`);
  if (!spec.secretRef) throw new StoreConfigError(`${field}.secretRef: is required`);
  const password = await resolveSecretKeyString(ctx, spec.secretRef, `${field}.secretRef`);
  const path = `auth/${trimSlashes(spec.path || defaultMount)}/login/${encodeURIComponent(spec.username)}`;
  return {
    kind: "login",
    name,
    fingerprint: `${spec.username}\u0000${password}`,
    login: (http, ns) => vaultLogin(http, name, path, { password }, ns),
  };
}
