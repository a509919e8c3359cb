/**
 * Azure workload identity inputs from a ServiceAccount: the client and tenant ids its annotations name, and
 * TokenRequest tokens for the federated login.
 */
import { readFile } from "node:fs/promises";
import type { ServiceAccountSelector } from "../../../api/common.js";
import { StoreConfigError } from "../../errors.js";
import type { CredentialScope } from "../../provider.js";
import { refNamespace, serviceAccountToken } from "../../resolvers.js";
import { refuseAmbientCredentials } from "../../tenant-policy.js";

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

/** The operator pod's own workload identity, as the Azure workload identity webhook injects it. */
export interface OwnFederatedIdentity {
  clientId?: string;
  tenantId?: string;
  /** Reads the projected token file on every federated token request (the kubelet rotates it). */
  assertion: () => Promise<string>;
}

/**
 * The controller's own federated identity (AZURE_CLIENT_ID, AZURE_TENANT_ID, AZURE_FEDERATED_TOKEN_FILE), for a
 * WorkloadIdentity login without serviceAccountRef. Ambient, so under the tenant policy for namespaced stores.
 * The ids may be absent when the store names its own; the token file may not.
 */
export function ownFederatedIdentity(scope: CredentialScope, field: string, remedy: string): OwnFederatedIdentity {
  refuseAmbientCredentials(scope, field, "Azure workload identity", remedy);
  const file = process.env.AZURE_FEDERATED_TOKEN_FILE;
  if (!file) {
    throw new StoreConfigError(
      `${field}: without serviceAccountRef the controller's own workload identity is used, but AZURE_FEDERATED_TOKEN_FILE is not set`,
    );
  }
  return {
    clientId: process.env.AZURE_CLIENT_ID || undefined,
    tenantId: process.env.AZURE_TENANT_ID || undefined,
    assertion: async () => {
      try {
        return (await readFile(file, "utf8")).trim();
      } catch (err) {
        throw new StoreConfigError(
          `${field}: cannot read AZURE_FEDERATED_TOKEN_FILE ${file}: ${(err as NodeJS.ErrnoException).code ?? "read failed"}`,
        );
      }
    },
  };
}
