/**
 * The token source for a store's auth: a key from secretRef, GKE workload identity, workload identity
 * federation, or default credentials.
 */
import type { GCPSMProvider } from "../../../api/providers/gcpsm.js";
import type { ProviderContext } from "../../provider.js";
import { resolveSecretKeyString } from "../../resolvers.js";
import { refuseAmbientCredentials } from "../../tenant-policy.js";
import { defaultCredentialsSource } from "./default-credentials.js";
import { serviceAccountKeySource } from "./service-account-key.js";
import type { TokenSource } from "./token-source.js";
import { workloadIdentityAuth } from "./workload-identity.js";
import { workloadIdentityFederationAuth } from "./workload-identity-federation.js";

const FIELD = "spec.provider.gcpsm";

export async function tokenSource(spec: GCPSMProvider, ctx: ProviderContext): Promise<TokenSource> {
  const ref = spec.auth?.secretRef?.secretAccessKeySecretRef;
  if (ref) {
    const field = `${FIELD}.auth.secretRef.secretAccessKeySecretRef`;
    return serviceAccountKeySource(await resolveSecretKeyString(ctx, ref, field), field, ctx.signal);
  }
  if (spec.auth?.workloadIdentity) return workloadIdentityAuth(spec, ctx);
  if (spec.auth?.workloadIdentityFederation) return workloadIdentityFederationAuth(spec, ctx);
  refuseAmbientCredentials(
    ctx,
    `${FIELD}.auth`,
    "Google identity (application default credentials)",
    "auth.secretRef, auth.workloadIdentity or auth.workloadIdentityFederation",
  );
  return defaultCredentialsSource(ctx.signal);
}
