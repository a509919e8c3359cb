/**
 * azureAuthCredentials: an Azure AD access token of the operator's managed identity, from the instance metadata
 * service (IMDS), for `resource` (default Azure Resource Manager), presented to Infisical's Azure auth.
 */
import type { InfisicalAuth } from "../../../api/providers/infisical.js";
import { capTimeout } from "../../../runtime/deadline.js";
import { ProviderAuthError } from "../../errors.js";
import type { ProviderContext } from "../../provider.js";
import { resolveSecretKeyString } from "../../resolvers.js";
import { httpRequest, jsonBody, statusError } from "../../util/http-client.js";
import { AUTH_FIELD, type IdentityLogin } from "./login.js";
import { refuseCloudIdentity } from "./operator-identity.js";

const FIELD = `${AUTH_FIELD}.azureAuthCredentials`;
export const DEFAULT_AZURE_RESOURCE = "https://management.azure.com/";
const TIMEOUT_MS = 10_000;

/** IMDS; AZURE_POD_IDENTITY_AUTHORITY_HOST (the Azure SDK's override) points elsewhere. */
function imdsBase(): string {
  return (process.env.AZURE_POD_IDENTITY_AUTHORITY_HOST || "http://169.254.169.254").replace(/\/+$/, "");
}

export async function azureAuth(
  c: NonNullable<InfisicalAuth["azureAuthCredentials"]>,
  ctx: ProviderContext,
): Promise<IdentityLogin> {
  refuseCloudIdentity(ctx, FIELD, "Azure managed identity (instance metadata service)");
  const identityId = await resolveSecretKeyString(ctx, c.identityId, `${FIELD}.identityId`);
  const resource = c.resource?.name
    ? await resolveSecretKeyString(ctx, c.resource, `${FIELD}.resource`)
    : DEFAULT_AZURE_RESOURCE;
  return {
    kind: "login",
    method: "azure-auth",
    fingerprint: [identityId, resource],
    body: async () => ({ identityId, jwt: await imdsToken(resource || DEFAULT_AZURE_RESOURCE, ctx) }),
  };
}

async function imdsToken(resource: string, ctx: ProviderContext): Promise<string> {
  const url = new URL(`${imdsBase()}/metadata/identity/oauth2/token`);
  url.searchParams.set("api-version", "2018-02-01");
  url.searchParams.set("resource", resource);
  const what = "azure auth: instance metadata token";
  let res: Awaited<ReturnType<typeof httpRequest>>;
  try {
    res = await httpRequest({
      url: url.toString(),
      headers: { Metadata: "true", accept: "application/json" },
      timeoutMs: capTimeout(TIMEOUT_MS, ctx.deadline),
      signal: ctx.signal,
      what,
    });
  } catch (err) {
    throw new ProviderAuthError(`infisical: ${what}: request failed: ${(err as Error).message}`);
  }
  if (res.status !== 200) throw statusError("infisical", what, res.status === 404 ? 401 : res.status);
  const token = jsonBody<{ access_token?: string }>(res, "infisical", what).access_token;
  if (!token) throw new ProviderAuthError(`infisical: ${what}: response carries no access_token`);
  return token;
}
