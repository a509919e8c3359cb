/**
 * Access type azure_ad: the cloud id is an Azure AD access token for Azure Resource Manager, issued to the
 * operator's managed identity by the instance metadata service (IMDS), as upstream's akeyless-go-cloud-id
 * requests it; accessTypeParam, when set, is the identity's object id.
 */
import { capTimeout } from "../../../runtime/deadline.js";
import { ProviderAuthError } from "../../errors.js";
import type { ProviderContext } from "../../provider.js";
import { httpRequest, jsonBody, statusError } from "../../util/http-client.js";

const RESOURCE = "https://management.azure.com/";
const API_VERSION = "2018-02-01";
const TIMEOUT_MS = 10_000;

/** IMDS; AZURE_POD_IDENTITY_AUTHORITY_HOST (the Azure SDK's override) points elsewhere. */
function imdsBase(): string {
  return (process.env.AZURE_POD_IDENTITY_AUTHORITY_HOST || "http://169.254.169.254").replace(/\/+$/, "");
}

export async function azureCloudId(objectId: string | undefined, ctx: ProviderContext): Promise<string> {
  const url = new URL(`${imdsBase()}/metadata/identity/oauth2/token`);
  url.searchParams.set("api-version", API_VERSION);
  url.searchParams.set("resource", RESOURCE);
  if (objectId) url.searchParams.set("object_id", objectId);
  const what = "azure_ad cloud id (instance metadata token)";
  let res: Awaited<ReturnType<typeof httpRequest>>;
  try {
    res = await httpRequest({
      url: url.toString(),
      headers: { Metadata: "true", "User-Agent": "AKEYLESS" },
      timeoutMs: capTimeout(TIMEOUT_MS, ctx.deadline),
      signal: ctx.signal,
      what,
    });
  } catch (err) {
    throw new ProviderAuthError(`akeyless: ${what}: request failed: ${(err as Error).message}`);
  }
  if (res.status !== 200) throw statusError("akeyless", what, res.status === 404 ? 401 : res.status);
  const token = jsonBody<{ access_token?: string }>(res, "akeyless", what).access_token;
  if (!token) throw new ProviderAuthError(`akeyless: ${what}: response carries no access_token`);
  return token;
}
