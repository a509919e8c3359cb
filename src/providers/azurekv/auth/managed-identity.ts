/** authType ManagedIdentity: the controller's own Azure identity (refused for namespaced stores by policy). */
import type { TokenCredential } from "@azure/identity";
import type { AzureKVProvider } from "../../../api/providers/azurekv.js";
import type { ProviderContext } from "../../provider.js";
import { refuseAmbientCredentials } from "../../tenant-policy.js";
import type { AzureClientOptions } from "../sdk-options.js";

const FIELD = "spec.provider.azurekv";

export async function managedIdentityCredential(
  spec: AzureKVProvider,
  ctx: ProviderContext,
  options: AzureClientOptions,
): Promise<TokenCredential> {
  refuseAmbientCredentials(
    ctx,
    `${FIELD}.authType`,
    "Azure managed identity",
    "authType ServicePrincipal or WorkloadIdentity",
  );
  const { ManagedIdentityCredential } = await import("@azure/identity");
  const id = spec.identityId;
  const mi = id?.startsWith("/") ? { resourceId: id } : id ? { clientId: id } : {};
  return new ManagedIdentityCredential({ ...options, ...mi });
}
