/**
 * Access type gcp: the cloud id is a Google-signed identity token of the operator's service account for the
 * audience in accessTypeParam (default "akeyless.io"), from the GCE metadata server, base64-encoded as
 * upstream's akeyless-go-cloud-id sends it.
 */
import { capTimeout } from "../../../runtime/deadline.js";
import { ProviderAuthError } from "../../errors.js";
import type { ProviderContext } from "../../provider.js";
import { httpRequest, statusError } from "../../util/http-client.js";

export const DEFAULT_GCP_AUDIENCE = "akeyless.io";
const TIMEOUT_MS = 10_000;

/** GCE_METADATA_HOST (Google's own variable, host[:port]) overrides the metadata server. */
function metadataBase(): string {
  const host = process.env.GCE_METADATA_HOST || "metadata.google.internal";
  return /^https?:\/\//.test(host) ? host : `http://${host}`;
}

export async function gcpCloudId(audience: string | undefined, ctx: ProviderContext): Promise<string> {
  const url = new URL(`${metadataBase()}/computeMetadata/v1/instance/service-accounts/default/identity`);
  url.searchParams.set("audience", audience || DEFAULT_GCP_AUDIENCE);
  url.searchParams.set("format", "full");
  const what = "gcp cloud id (metadata server identity token)";
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
    throw new ProviderAuthError(`akeyless: ${what}: request failed: ${(err as Error).message}`);
  }
  if (res.status !== 200) throw statusError("akeyless", what, res.status === 404 ? 401 : res.status);
  const jwt = res.body.toString("utf8").trim();
  if (!jwt) throw new ProviderAuthError(`akeyless: ${what}: empty response`);
  return Buffer.from(jwt, "utf8").toString("base64");
}
