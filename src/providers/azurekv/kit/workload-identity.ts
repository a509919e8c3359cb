/**
 * Azure workload identity inputs from a ServiceAccount: the client and tenant ids its annotations name, and
 * TokenRequest tokens for the federated login.
 */
import type { ServiceAccountSelector } from "../../../api/common.js";
import type { CredentialScope } from "../../provider.js";
import { refNamespace, serviceAccountToken } from "../../resolvers.js";

/** The audience Entra ID expects on a federated Kubernetes token. */
export const WORKLOAD_IDENTITY_AUDIENCE = "api://AzureADTokenExchange";
export const ANNOTATION_CLIENT_ID = "azure.workload.identity/client-id";
export const ANNOTATION_TENANT_ID = "azure.workload.identity/tenant-id";

/** The client and tenant ids the ServiceAccount's workload identity annotations name (either may be absent). */
export async function annotatedIdentity(
  scope: CredentialScope,
  ref: ServiceAccountSelector,
  field: string,
): Promise<{ clientId?: string; tenantId?: string }> {
  const ns = refNamespace(scope, ref, field);
  const annotations = (await scope.kube.getServiceAccountAnnotations?.(ns, ref.name)) ?? {};
  return { clientId: annotations[ANNOTATION_CLIENT_ID], tenantId: annotations[ANNOTATION_TENANT_ID] };
}

/**
 * A source of ServiceAccount tokens for `audiences` (the ref's own audiences replace them when set, as
 * `serviceAccountToken` does); called for every federated token request.
 */
export function federatedTokenSource(
  scope: CredentialScope,
  ref: ServiceAccountSelector,
  audiences: string[],
  field: string,
): () => Promise<string> {
  return () => serviceAccountToken(scope, ref, audiences, field);
}
