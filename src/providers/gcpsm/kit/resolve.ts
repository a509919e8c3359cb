/**
 * The token source for a GCP `auth` block (the gcpsm provider's, the GCRAccessToken generator's): a key from
 * secretRef, GKE workload identity, workload identity federation, or else application default credentials.
 */
import type { GCPSMAuth } from "../../../api/providers/gcpsm.js";
import { resolveSecretKeyString } from "../../resolvers.js";
import { refuseAmbientCredentials } from "../../tenant-policy.js";
import { defaultCredentialsSource } from "./default-credentials.js";
import type { GcpAuthScope } from "./scope.js";
import { serviceAccountKeySource } from "./service-account-key.js";
import type { TokenSource } from "./token-source.js";
import { workloadIdentityAuth } from "./workload-identity.js";
import { workloadIdentityFederationAuth } from "./workload-identity-federation.js";

/** `projectID` is the cluster project workload identity falls back to when clusterProjectID is unset. */
export async function googleTokenSource(
  auth: GCPSMAuth | undefined,
  projectID: string | undefined,
  scope: GcpAuthScope,
): Promise<TokenSource> {
  const ref = auth?.secretRef?.secretAccessKeySecretRef;
  if (ref) {
    const field = `${scope.authField}.secretRef.secretAccessKeySecretRef`;
    return serviceAccountKeySource(await resolveSecretKeyString(scope, ref, field), field, scope);
  }
  if (auth?.workloadIdentity) return workloadIdentityAuth(auth.workloadIdentity, projectID, scope);
  if (auth?.workloadIdentityFederation) return workloadIdentityFederationAuth(auth.workloadIdentityFederation, scope);
  refuseAmbientCredentials(
    scope,
    scope.authField,
    "Google identity (application default credentials)",
    "auth.secretRef, auth.workloadIdentity or auth.workloadIdentityFederation",
  );
  return defaultCredentialsSource(scope);
}
