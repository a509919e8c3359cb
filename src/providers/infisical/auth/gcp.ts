/**
 * The two GCP methods of Infisical's GCP auth (POST /v1/auth/gcp-auth/login with a Google-signed JWT):
 * gcpIdTokenAuthCredentials, an identity token of the operator's service account from the GCE metadata server
 * for the audience identityId; gcpIamAuthCredentials, a JWT {sub: the key's service account, aud: identityId}
 * signed by IAM Credentials' signJwt with a service account key file of the operator's filesystem.
 */
import type { InfisicalAuth } from "../../../api/providers/infisical.js";
import { capTimeout } from "../../../runtime/deadline.js";
import { ProviderAuthError } from "../../errors.js";
import type { ProviderContext } from "../../provider.js";
import { resolveSecretKeyString } from "../../resolvers.js";
import { httpRequest, statusError } from "../../util/http-client.js";
import { AUTH_FIELD, type IdentityLogin } from "./login.js";
import {
  readOperatorFile,
  refuseCloudIdentity,
  refuseOperatorFile,
  requirePathNamespace,
} from "./operator-identity.js";

const ID_FIELD = `${AUTH_FIELD}.gcpIdTokenAuthCredentials`;
const IAM_FIELD = `${AUTH_FIELD}.gcpIamAuthCredentials`;
const TIMEOUT_MS = 10_000;
const SIGNED_JWT_LIFETIME_S = 900;

/** GCE_METADATA_HOST (Google's own variable, host[:port]) overrides the metadata server. */
function metadataBase(): string {
  const host = process.env.GCE_METADATA_HOST || "metadata.google.internal";
  return /^https?:\/\//.test(host) ? host : `http://${host}`;
}

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
    body: async () => ({ identityId, jwt: await metadataIdentityToken(identityId, ctx) }),
  };
}

async function metadataIdentityToken(audience: string, ctx: ProviderContext): Promise<string> {
  const url = new URL(`${metadataBase()}/computeMetadata/v1/instance/service-accounts/default/identity`);
  url.searchParams.set("audience", audience);
  url.searchParams.set("format", "full");
  const what = "gcp id token auth: metadata server identity token";
  let res: Awaited<ReturnType<typeof httpRequest>>;
  try {
    res = await httpRequest({
      url: url.toString(),
      headers: { "Metadata-Flavor": "Google" },
      timeoutMs: capTimeout(TIMEOUT_MS, ctx.deadline),
      signal: ctx.signal,
      what,
    });
  } catch (err) {
    throw new ProviderAuthError(`infisical: ${what}: request failed: ${(err as Error).message}`);
  }
  if (res.status !== 200) throw statusError("infisical", what, res.status === 404 ? 401 : res.status);
  const jwt = res.body.toString("utf8").trim();
  if (!jwt) throw new ProviderAuthError(`infisical: ${what}: empty response`);
  return jwt;
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
