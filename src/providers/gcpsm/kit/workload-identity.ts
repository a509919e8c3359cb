/** auth.workloadIdentity: a Kubernetes ServiceAccount token exchanged at Google STS, optionally impersonating. */
import type { GCPWorkloadIdentity } from "../../../api/providers/gcpsm.js";
import { ProviderAuthError, StoreConfigError } from "../../errors.js";
import { refNamespace, serviceAccountToken } from "../../resolvers.js";
import { gcpEndpoints } from "./endpoints.js";
import type { CallScope, GcpAuthScope } from "./scope.js";
import {
  type AccessToken,
  CLOUD_PLATFORM_SCOPE,
  metadataAttribute,
  metadataProjectID,
  type TokenSource,
  tokenCall,
} from "./token-source.js";

export const GSA_ANNOTATION = "iam.gke.io/gcp-service-account";
export const JWT_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:jwt";

/**
 * Google STS token exchange of a subject token (a Kubernetes ServiceAccount JWT by default), then optional
 * impersonation of a Google service account.
 */
export function workloadIdentitySource(
  subjectToken: () => Promise<string>,
  audience: string,
  googleServiceAccount: string | undefined,
  call: CallScope,
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
      call,
    );
    if (!sts.access_token) {
      throw new ProviderAuthError(`${call.label}: STS token exchange: response carries no access_token`);
    }
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
      call,
    );
    if (!r.accessToken) throw new ProviderAuthError(`${call.label}: impersonation: response carries no accessToken`);
    return { token: r.accessToken, expiresAt: r.expireTime ? Date.parse(r.expireTime) : Date.now() + 3600_000 };
  };
}

/**
 * The token source for auth.workloadIdentity: GKE's identity pool of the cluster project (clusterProjectID, else
 * `projectID`, else the node's project); location and name come from the metadata server when not set.
 */
export async function workloadIdentityAuth(
  wi: GCPWorkloadIdentity,
  projectID: string | undefined,
  scope: GcpAuthScope,
): Promise<TokenSource> {
  const where = `${scope.authField}.workloadIdentity`;
  const clusterProject = wi.clusterProjectID || projectID || (await metadataProjectID(scope.signal));
  if (!clusterProject)
    throw new StoreConfigError(`${where}.clusterProjectID: is required off GKE when projectID is unset`);
  const location = wi.clusterLocation || (await metadataAttribute("cluster-location", scope.signal));
  const cluster = wi.clusterName || (await metadataAttribute("cluster-name", scope.signal));
  if (!location) throw new StoreConfigError(`${where}.clusterLocation: is required off GKE`);
  if (!cluster) throw new StoreConfigError(`${where}.clusterName: is required off GKE`);
  const pool = `${clusterProject}.svc.id.goog`;
  const providerUrl = `https://container.googleapis.com/v1/projects/${clusterProject}/locations/${location}/clusters/${cluster}`;
  const sa = wi.serviceAccountRef;
  const ns = refNamespace(scope, sa, `${where}.serviceAccountRef`);
  const annotations = (await scope.kube.getServiceAccountAnnotations?.(ns, sa.name)) ?? {};
  return workloadIdentitySource(
    () => serviceAccountToken(scope, sa, [pool], `${where}.serviceAccountRef`),
    `identitynamespace:${pool}:${providerUrl}`,
    annotations[GSA_ANNOTATION],
    scope,
  );
}
