/**
 * auth.jwt: a JWT (from a Secret, or a TokenRequest for serviceAccountRef) posted as `jwt=` to
 * /authn-jwt/{serviceID}/{account}[/{hostId}]/authenticate.
 */
import type { ConjurAuth } from "../../../api/providers/conjur.js";
import { StoreConfigError } from "../../errors.js";
import type { ProviderContext } from "../../provider.js";
import { refNamespace, resolveSecretKeyString, serviceAccountToken } from "../../resolvers.js";
import type { Login } from "../transport.js";
import { postJwt } from "./jwt-form.js";
import type { ResolvedAuth } from "./resolve.js";

type JwtAuth = NonNullable<ConjurAuth["jwt"]>;

/** Lifetime of a requested ServiceAccount token, as upstream (10 minutes). */
export const JWT_LIFESPAN_SECONDS = 600;

export async function jwtAuth(auth: JwtAuth, ctx: ProviderContext, field: string): Promise<ResolvedAuth> {
  const sa = auth.serviceAccountRef;
  let fromSecret: string | undefined;
  if (!sa) {
    if (!auth.secretRef) throw new StoreConfigError(`${field}: one of secretRef or serviceAccountRef is required`);
    const ref = { ...auth.secretRef, key: auth.secretRef.key || "token" };
    fromSecret = await resolveSecretKeyString(ctx, ref, `${field}.secretRef`);
  }
  const host = auth.hostId ? `/${encodeURIComponent(auth.hostId)}` : "";
  const path = `/authn-jwt/${encodeURIComponent(auth.serviceID)}/${encodeURIComponent(auth.account)}${host}/authenticate`;
  const login: Login = async (api) => {
    // A ServiceAccount token is requested only when Conjur needs a new login, not on every reconcile.
    // No default audience: the TokenRequest gets the API server's own unless the store names some.
    const jwt =
      fromSecret ?? (await serviceAccountToken(ctx, sa!, [], `${field}.serviceAccountRef`, JWT_LIFESPAN_SECONDS));
    return postJwt(api, path, `authenticate with authn-jwt/${auth.serviceID}`, jwt);
  };
  const identity = sa
    ? `sa:${refNamespace(ctx, sa, `${field}.serviceAccountRef`)}/${sa.name}/${(sa.audiences ?? []).join(",")}`
    : `jwt:${fromSecret}`;
  return {
    account: auth.account,
    login,
    credentials: ["jwt", auth.account, auth.serviceID, auth.hostId ?? "", identity],
  };
}
