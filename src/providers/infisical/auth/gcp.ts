/**
 * The two GCP methods of Infisical's GCP auth (POST /v1/auth/gcp-auth/login with a Google-signed JWT):
 * gcpIdTokenAuthCredentials, an identity token of the operator's service account from the GCE metadata server
 * for the audience identityId; gcpIamAuthCredentials, a JWT {sub: the key's service account, aud: identityId}
 * signed by IAM Credentials' signJwt with a service account key file of the operator's filesystem.
 */
import type { InfisicalAuth } from "../../../api/providers/infisical.js";
import { ProviderAuthError } from "../../errors.js";
import type { ProviderContext } from "../../provider.js";
import { resolveSecretKeyString } from "../../resolvers.js";
import { gceIdentityToken } from "../../util/gce-identity-token.js";
import { AUTH_FIELD, type IdentityLogin } from "./login.js";
import {
  readOperatorFile,
  refuseCloudIdentity,
  refuseOperatorFile,
  requirePathNamespace,
} from "./operator-identity.js";

const ID_FIELD = `${AUTH_FIELD}.gcpIdTokenAuthCredentials`;
const IAM_FIELD = `${AUTH_FIELD}.gcpIamAuthCredentials`;
const SIGNED_JWT_LIFETIME_S = 900;

export async function gcpIdTokenAuth(
  c: NonNullable<InfisicalAuth["gcpIdTokenAuthCredentials"]>,
  ctx: ProviderContext,
): Promise<IdentityLogin> {
  refuseCloudIdentity(ctx, ID_FIELD, "GCE instance identity (metadata server)");
  const identityId = await resolveSecretKeyString(ctx, c.identityId, `${ID_FIELD}.identityId`);
  return {
    kind: "login",
    method: "gcp-auth",
    fingerprint: ["id-token", identityId],
    body: async () => ({
      identityId,
      jwt: await gceIdentityToken("infisical", "gcp id token auth: metadata server identity token", identityId, ctx),
    }),
  };
}

export async function gcpIamAuth(
  c: NonNullable<InfisicalAuth["gcpIamAuthCredentials"]>,
  ctx: ProviderContext,
): Promise<IdentityLogin> {
  const pathField = `${IAM_FIELD}.serviceAccountKeyFilePath`;
  refuseOperatorFile(ctx, pathField);
  requirePathNamespace(ctx, c.serviceAccountKeyFilePath, pathField);
  const identityId = await resolveSecretKeyString(ctx, c.identityId, `${IAM_FIELD}.identityId`);
  const path = await resolveSecretKeyString(ctx, c.serviceAccountKeyFilePath, pathField);
  const keyJson = await readOperatorFile(ctx, path, pathField);
  return {
    kind: "login",
    method: "gcp-auth",
    fingerprint: ["iam", identityId, keyJson],
    body: async () => ({ identityId, jwt: await iamSignedJwt(keyJson, identityId, ctx, pathField) }),
  };
}

async function iamSignedJwt(keyJson: string, audience: string, ctx: ProviderContext, field: string): Promise<string> {
  const [{ parseServiceAccountKey, serviceAccountKeySource }, { gcpEndpoints }, { tokenCall }] = await Promise.all([
    import("../../gcpsm/kit/service-account-key.js"),
    import("../../gcpsm/kit/endpoints.js"),
    import("../../gcpsm/kit/token-source.js"),
  ]);
  const call = { label: "infisical", signal: ctx.signal };
  const email = parseServiceAccountKey(keyJson, field).client_email;
  const access = await serviceAccountKeySource(keyJson, field, call)();
  const now = Math.floor(Date.now() / 1000);
  const payload = JSON.stringify({ sub: email, aud: audience, iat: now, exp: now + SIGNED_JWT_LIFETIME_S });
  const url = `${gcpEndpoints.iamCredentials()}/v1/projects/-/serviceAccounts/${encodeURIComponent(email)}:signJwt`;
  const r = await tokenCall(
    url,
    {
      method: "POST",
      headers: { authorization: `Bearer ${access.token}`, "content-type": "application/json" },
      body: JSON.stringify({ payload }),
    },
    "gcp iam auth: signJwt",
    call,
  );
  if (typeof r.signedJwt !== "string" || !r.signedJwt) {
    throw new ProviderAuthError("infisical: gcp iam auth: signJwt: response carries no signedJwt");
  }
  return r.signedJwt;
}
