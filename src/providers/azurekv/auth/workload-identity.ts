/**
 * authType WorkloadIdentity: a ServiceAccount token (audience api://AzureADTokenExchange) as client assertion;
 * without serviceAccountRef, as upstream, the operator pod's own federated token and ids.
 */
import type { TokenCredential } from "@azure/identity";
import type { AzureKVProvider } from "../../../api/providers/azurekv.js";
import { StoreConfigError } from "../../errors.js";
import type { ProviderContext } from "../../provider.js";
import { type CredentialOptions, federatedCredential } from "../kit/credentials.js";
import {
  annotatedIdentity,
  federatedTokenSource,
  ownFederatedIdentity,
  WORKLOAD_IDENTITY_AUDIENCE,
} from "../kit/workload-identity.js";
import { tenantAndClient } from "./app-identity.js";

const FIELD = "spec.provider.azurekv";

export async function workloadIdentityCredential(
  spec: AzureKVProvider,
  ctx: ProviderContext,
  options: CredentialOptions,
): Promise<TokenCredential> {
  const sa = spec.serviceAccountRef;
  if (!sa) {
    const own = ownFederatedIdentity(ctx, `${FIELD}.serviceAccountRef`, `${FIELD}.serviceAccountRef`);
    const ids = await tenantAndClient(spec, ctx, own);
    return federatedCredential(ids.tenantId, ids.clientId, own.assertion, options);
  }
  if (!sa.name) throw new StoreConfigError(`${FIELD}.serviceAccountRef.name: is required`);
  const annotated = await annotatedIdentity(ctx, sa, `${FIELD}.serviceAccountRef`);
  const { tenantId, clientId } = await tenantAndClient(spec, ctx, annotated);
  const assertion = federatedTokenSource(ctx, sa, [WORKLOAD_IDENTITY_AUDIENCE], `${FIELD}.serviceAccountRef`);
  return federatedCredential(tenantId, clientId, assertion, options);
}
