/** The @azure/identity credential for spec.authType. The SDK is loaded on first use, as the Key Vault clients. */
import type { TokenCredential } from "@azure/identity";
import type { AzureKVProvider } from "../../../api/providers/azurekv.js";
import { StoreConfigError } from "../../errors.js";
import type { ProviderContext } from "../../provider.js";
import type { CloudEndpoints } from "../clouds.js";
import { loginOptions } from "../kit/credentials.js";
import type { AzureClientOptions } from "../kit/sdk-options.js";
import { managedIdentityCredential } from "./managed-identity.js";
import { servicePrincipalCredential } from "./service-principal.js";
import { workloadIdentityCredential } from "./workload-identity.js";

export async function newCredential(
  spec: AzureKVProvider,
  ctx: ProviderContext,
  cloud: CloudEndpoints,
  options: AzureClientOptions,
): Promise<TokenCredential> {
  const authType = spec.authType ?? "ServicePrincipal";
  const login = loginOptions(options, cloud.authorityHost);
  switch (authType) {
    case "ServicePrincipal":
      return servicePrincipalCredential(spec, ctx, login);
    case "ManagedIdentity":
      return managedIdentityCredential(spec, ctx, options);
    case "WorkloadIdentity":
      return workloadIdentityCredential(spec, ctx, login);
    default:
      throw new StoreConfigError(`spec.provider.azurekv.authType: unsupported value ${authType}`);
  }
}
