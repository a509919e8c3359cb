/** auth.workloadIdentity: a Kubernetes ServiceAccount token exchanged at Google STS, optionally impersonating. */
import type { GCPSMProvider } from "../../../api/providers/gcpsm.js";
import { ProviderAuthError, StoreConfigError } from "../../errors.js";
import type { ProviderContext } from "../../provider.js";
import { refNamespace, serviceAccountToken } from "../../resolvers.js";
import { gcpEndpoints } from "../endpoints.js";
import {
  type AccessToken,
  CLOUD_PLATFORM_SCOPE,
  metadataAttribute,
  metadataProjectID,
  type TokenSource,
  tokenCall,
} from "./token-source.js";

const FIELD = "spec.provider.gcpsm";
const GSA_ANNOTATION = "iam.gke.io/gcp-service-account";

export const JWT_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:jwt";

/**
 * Google STS token exchange of a subject token (a Kubernetes ServiceAccount JWT by default), then optional
 * impersonation of a Google service account.
 */
export function workloadIdentitySource(
  subjectToken: () => Promise<string>,
  audience: string,
  googleServiceAccount: string | undefined,
  signal?: AbortSignal,
  subjectTokenType = JWT_TOKEN_TYPE,
): TokenSource {
  return async () => {
    const body = new URLSearchParams({
      grant_type: "urn:ietf:params:oauth:grant-type:token-exchange",
      audience,
      scope: CLOUD_PLATFORM_SCOPE,
      requested_token_type: "urn:ietf:params:oauth:token-type:access_token",
      subject_token: await subjectToken(),
      subject_token_type: subjectTokenType,
    });
    const sts = await tokenCall(
      gcpEndpoints.sts(),
      { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body },
      "STS token exchange",
      signal,
    );
    if (!sts.access_token) throw new ProviderAuthError("gcpsm: STS token exchange: response carries no access_token");
    const federated: AccessToken = {
      token: sts.access_token,
      expiresAt: Date.now() + Number(sts.expires_in ?? 3600) * 1000,
    };
    if (!googleServiceAccount) return federated;
    const url = `${gcpEndpoints.iamCredentials()}/v1/projects/-/serviceAccounts/${encodeURIComponent(googleServiceAccount)}:generateAccessToken`;
    const r = await tokenCall(
      url,
      {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${federated.token}` },
        body: JSON.stringify({ scope: [CLOUD_PLATFORM_SCOPE] }),
      },
      `impersonate ${googleServiceAccount}`,
      signal,
    );
    if (!r.accessToken) throw new ProviderAuthError("gcpsm: impersonation: response carries no accessToken");
    return { token: r.accessToken, expiresAt: r.expireTime ? Date.parse(r.expireTime) : Date.now() + 3600_000 };
  };
}

/** The token source for auth.workloadIdentity: GKE's identity pool of the cluster project. */
export async function workloadIdentityAuth(spec: GCPSMProvider, ctx: ProviderContext): Promise<TokenSource> {
  const wi = spec.auth!.workloadIdentity!;
  const where = `${FIELD}.auth.workloadIdentity`;
  const clusterProject = wi.clusterProjectID || spec.projectID || (await metadataProjectID(ctx.signal));
  if (!clusterProject)
    throw new StoreConfigError(`${where}.clusterProjectID: is required off GKE when projectID is unset`);
  const location = wi.clusterLocation || (await metadataAttribute("cluster-location", ctx.signal));
  const cluster = wi.clusterName || (await metadataAttribute("cluster-name", ctx.signal));
  if (!location) throw new StoreConfigError(`${where}.clusterLocation: is required off GKE`);
  if (!cluster) throw new StoreConfigError(`${where}.clusterName: is required off GKE`);
  const pool = `${clusterProject}.svc.id.goog`;
  const providerUrl = `https://container.googleapis.com/v1/projects/${clusterProject}/locations/${location}/clusters/${cluster}`;
  const sa = wi.serviceAccountRef;
  const ns = refNamespace(ctx, sa, `${where}.serviceAccountRef`);
  const annotations = (await ctx.kube.getServiceAccountAnnotations?.(ns, sa.name)) ?? {};
  return workloadIdentitySource(
    () => serviceAccountToken(ctx, sa, [pool], `${where}.serviceAccountRef`),
    `identitynamespace:${pool}:${providerUrl}`,
    annotations[GSA_ANNOTATION],
    ctx.signal,
  );
}
