/**
 * The operator's own cloud identity tokens, as Conjur's Go client fetches them for authn-azure and authn-gcp:
 * an Azure Resource Manager token from the instance metadata service (IMDS), and a Google identity token for
 * the audience `conjur/{account}/host/{hostId}` from the GCE metadata server. Errors never carry the token.
 */
import { capTimeout } from "../../../runtime/deadline.js";
import { ProviderAuthError } from "../../errors.js";
import type { ProviderContext } from "../../provider.js";
import { type HttpResponse, httpRequest, jsonBody, statusError } from "../../util/http-client.js";

const P = "conjur";
const TIMEOUT_MS = 10_000;
export const AZURE_RESOURCE = "https://management.azure.com/";

/** IMDS; AZURE_POD_IDENTITY_AUTHORITY_HOST (the Azure SDK's override) points elsewhere. */
function imdsBase(): string {
  return (process.env.AZURE_POD_IDENTITY_AUTHORITY_HOST || "http://169.254.169.254").replace(/\/+$/, "");
}

/** GCE_METADATA_HOST (Google's own variable, host[:port]) overrides the metadata server. */
function gceMetadataBase(): string {
  const host = process.env.GCE_METADATA_HOST || "metadata.google.internal";
  return /^https?:\/\//.test(host) ? host.replace(/\/+$/, "") : `http://${host}`;
}

async function metadataGet(url: URL, headers: Record<string, string>, what: string, ctx: ProviderContext) {
  let res: HttpResponse;
  try {
    res = await httpRequest({
      url: url.toString(),
      headers,
      timeoutMs: capTimeout(TIMEOUT_MS, ctx.deadline),
      signal: ctx.signal,
      what,
    });
  } catch (err) {
    throw new ProviderAuthError(`${P}: ${what}: request failed: ${(err as Error).message}`);
  }
  if (res.status !== 200) throw statusError(P, what, res.status === 404 ? 401 : res.status);
  return res;
}

/** A managed identity's ARM access token; `clientId` picks a user-assigned identity. */
export async function azureManagedIdentityToken(clientId: string | undefined, ctx: ProviderContext): Promise<string> {
  const url = new URL(`${imdsBase()}/metadata/identity/oauth2/token`);
  url.searchParams.set("api-version", "2018-02-01");
  if (clientId) url.searchParams.set("client_id", clientId);
  url.searchParams.set("resource", AZURE_RESOURCE);
  const what = "azure: instance metadata token";
  const res = await metadataGet(url, { Metadata: "true", accept: "application/json" }, what, ctx);
  const token = jsonBody<{ access_token?: unknown }>(res, P, what).access_token;
  if (typeof token !== "string" || !token)
    throw new ProviderAuthError(`${P}: ${what}: response carries no access_token`);
  return token;
}

/** The audience authn-gcp checks: the Conjur account and host the token is for. */
export function gcpAudience(account: string, hostId: string): string {
  return `conjur/${account}/host/${hostId}`;
}

/** A Google-signed identity token (format=full) of the instance's default service account. */
export async function gceIdentityToken(audience: string, ctx: ProviderContext): Promise<string> {
  const url = new URL(`${gceMetadataBase()}/computeMetadata/v1/instance/service-accounts/default/identity`);
  url.searchParams.set("audience", audience);
  url.searchParams.set("format", "full");
  const what = "gcp: metadata server identity token";
  const res = await metadataGet(url, { "Metadata-Flavor": "Google" }, what, ctx);
  const jwt = res.body.toString("utf8").trim();
  if (!jwt) throw new ProviderAuthError(`${P}: ${what}: empty response`);
  return jwt;
}
