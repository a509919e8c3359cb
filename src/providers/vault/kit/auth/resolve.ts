/** Picks the configured auth method in ESO's order of precedence. */

import type { VaultAuth } from "../../../../api/providers/vault.js";
import { StoreConfigError } from "../../../errors.js";
import type { CredentialScope } from "../../../provider.js";
import { appRoleAuth } from "./approle.js";
import { certAuth } from "./cert.js";
import { gcpAuth } from "./gcp.js";
import { iamAuth } from "./iam.js";
import { jwtAuth } from "./jwt.js";
import { kubernetesAuth } from "./kubernetes.js";
import { tokenAuth } from "./token.js";
import type { AuthMethod } from "./types.js";
import { passwordAuth } from "./userpass.js";

export async function resolveAuth(auth: VaultAuth | undefined, ctx: CredentialScope): Promise<AuthMethod> {
  if (!auth) throw new StoreConfigError("spec.provider.vault.auth: no valid auth method specified");
  if (auth.tokenSecretRef) return tokenAuth(auth.tokenSecretRef, ctx);
  if (auth.appRole) return appRoleAuth(auth.appRole, ctx);
  if (auth.kubernetes) return kubernetesAuth(auth.kubernetes, ctx);
  if (auth.ldap) return passwordAuth("ldap", "ldap", auth.ldap, ctx);
  if (auth.userPass) return passwordAuth("userPass", "userpass", auth.userPass, ctx);
  if (auth.jwt) return jwtAuth(auth.jwt, ctx);
  if (auth.cert) return certAuth(auth.cert, ctx);
  if (auth.iam) return iamAuth(auth.iam, ctx);
  if (auth.gcp) return gcpAuth(auth.gcp, ctx);
  throw new StoreConfigError("spec.provider.vault.auth: no valid auth method specified");
}
