/**
 * auth.azure: an Azure token posted as `jwt=` to /authn-azure/{serviceID}/{account}/host%2F{hostId}/authenticate.
 * The token is a TokenRequest for serviceAccountRef (workload identity), or else the operator's managed identity
 * token from IMDS, which the tenant policy may refuse to SecretStores.
 */
import type { ConjurAuth } from "../../../api/providers/conjur.js";
import type { ProviderContext } from "../../provider.js";
import { refNamespace, serviceAccountToken } from "../../resolvers.js";
import { refuseAmbientCredentials } from "../../tenant-policy.js";
import type { Login } from "../transport.js";
import { azureManagedIdentityToken } from "./cloud-metadata.js";
import { JWT_LIFESPAN_SECONDS } from "./jwt.js";
import { hostSegment, postJwt } from "./jwt-form.js";
import type { ResolvedAuth } from "./resolve.js";

type AzureAuth = NonNullable<ConjurAuth["azure"]>;

export function azureAuth(auth: AzureAuth, ctx: ProviderContext, field: string): ResolvedAuth {
  const sa = auth.serviceAccountRef;
  if (!sa) {
    refuseAmbientCredentials(
      ctx,
      field,
      "Azure managed identity (instance metadata service)",
      `${field}.serviceAccountRef, or the apikey, jwt or cert method`,
    );
  }
  const path = `/authn-azure/${encodeURIComponent(auth.serviceID)}/${encodeURIComponent(auth.account)}/${hostSegment(auth.hostId)}/authenticate`;
  const login: Login = async (api) => {
    // As upstream: the ServiceAccount's own audiences, no default.
    const jwt = sa
      ? await serviceAccountToken(ctx, sa, [], `${field}.serviceAccountRef`, JWT_LIFESPAN_SECONDS)
      : await azureManagedIdentityToken(auth.clientId, ctx);
    return postJwt(api, path, `authenticate with authn-azure/${auth.serviceID}`, jwt);
  };
  const identity = sa
    ? `sa:${refNamespace(ctx, sa, `${field}.serviceAccountRef`)}/${sa.name}/${(sa.audiences ?? []).join(",")}`
    : `imds:${auth.clientId ?? ""}`;
  return {
    account: auth.account,
    login,
    credentials: ["azure", auth.account, auth.serviceID, auth.hostId, identity],
  };
}
