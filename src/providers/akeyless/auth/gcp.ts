/**
 * Access type gcp: the cloud id is a Google-signed identity token of the operator's service account for the
 * audience in accessTypeParam (default "akeyless.io"), from the GCE metadata server, base64-encoded as
 * upstream's akeyless-go-cloud-id sends it.
 */
import type { ProviderContext } from "../../provider.js";
import { gceIdentityToken } from "../../util/gce-identity-token.js";

export const DEFAULT_GCP_AUDIENCE = "akeyless.io";

export async function gcpCloudId(audience: string | undefined, ctx: ProviderContext): Promise<string> {
  const what = "gcp cloud id (metadata server identity token)";
  const jwt = await gceIdentityToken("akeyless", what, audience || DEFAULT_GCP_AUDIENCE, ctx);
  return Buffer.from(jwt, "utf8").toString("base64");
}
