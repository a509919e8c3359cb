import { StoreConfigError } from "../../../errors.js";
import { resolveSecretKeyString } from "../../../resolvers.js";
import { type AuthFactory, trimSlashes, vaultLogin } from "./types.js";

const FIELD = "spec.provider.vault.auth.appRole";

/** auth.appRole: role_id from roleId or roleRef, secret_id from secretRef. */
export const appRoleAuth: AuthFactory<"appRole"> = async (spec, ctx) => {
  let roleId: string;
  if (spec.roleId) roleId = spec.roleId.trim();
  else if (spec.roleRef) roleId = await resolveSecretKeyString(ctx, spec.roleRef, `${FIELD}.roleRef`);
  else throw new StoreConfigError(`${FIELD}: neither roleId nor roleRef was supplied`);
  const secretId = await resolveSecretKeyString(ctx, spec.secretRef, `${FIELD}.secretRef`);
  const path = `auth/${trimSlashes(spec.path || "approle")}/login`;
  return {
    kind: "login",
    name: "appRole",
    fingerprint: `${roleId}\u0000${secretId}`,
    login: (http, ns) => vaultLogin(http, "appRole", path, { role_id: roleId, secret_id: secretId }, ns),
  };
};
