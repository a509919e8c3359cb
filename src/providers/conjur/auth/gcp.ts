/**
 * auth.gcp: a Google identity token posted as `jwt=` to /authn-gcp/{account}/authenticate (authn-gcp has no
 * service id; Conjur finds the host in the token's audience). The token comes from secretRef.jwt, or else from
 * the GCE metadata server for the audience `conjur/{account}/host/{hostId}`, which the tenant policy may refuse
 * to SecretStores.
 */
import type { ConjurAuth } from "../../../api/providers/conjur.js";
import type { ProviderContext } from "../../provider.js";
import { resolveSecretKeyString } from "../../resolvers.js";
import { refuseAmbientCredentials } from "../../tenant-policy.js";
import type { Login } from "../transport.js";
import { gceIdentityToken, gcpAudience } from "./cloud-metadata.js";
import { postJwt } from "./jwt-form.js";
import type { ResolvedAuth } from "./resolve.js";

type GcpAuth = NonNullable<ConjurAuth["gcp"]>;

export async function gcpAuth(auth: GcpAuth, ctx: ProviderContext, field: string): Promise<ResolvedAuth> {
  let fromSecret: string | undefined;
  if (auth.secretRef) {
    fromSecret = await resolveSecretKeyString(ctx, auth.secretRef.jwt, `${field}.secretRef.jwt`);
  } else {
    refuseAmbientCredentials(
      ctx,
      field,
      "GCE instance identity (metadata server)",
      `${field}.secretRef, or the apikey, jwt or cert method`,
    );
  }
  const path = `/authn-gcp/${encodeURIComponent(auth.account)}/authenticate`;
  const audience = gcpAudience(auth.account, auth.hostId);
  const login: Login = async (api) => {
    const jwt = fromSecret ?? (await gceIdentityToken(audience, ctx));
    return postJwt(api, path, "authenticate with authn-gcp", jwt);
  };
  return {
    account: auth.account,
    login,
    credentials: ["gcp", auth.account, auth.hostId, fromSecret === undefined ? "metadata" : `jwt:${fromSecret}`],
  };
}
