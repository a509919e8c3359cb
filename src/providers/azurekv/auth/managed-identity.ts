/** authType ManagedIdentity: the controller's own Azure identity (refused for namespaced stores by policy). */
import type { TokenCredential } from "@azure/identity";
import type { AzureKVProvider } from "../../../api/providers/azurekv.js";
import type { ProviderContext } from "../../provider.js";
import { managedIdentityCredential as kitManagedIdentity } from "../kit/credentials.js";
import type { AzureClientOptions } from "../kit/sdk-options.js";

export async function managedIdentityCredential(
  spec: AzureKVProvider,
  ctx: ProviderContext,
  options: AzureClientOptions,
): Promise<TokenCredential> {
  return kitManagedIdentity(
    ctx,
    spec.identityId,
    options,
    "spec.provider.azurekv.authType",
    "authType ServicePrincipal or WorkloadIdentity",
  );
}
