/** The "azurekv" provider: secrets, keys and certificates of one Azure Key Vault. */
import type { AzureKVProvider } from "../../api/providers/azurekv.js";
import type { Capabilities, Provider, ProviderContext, SecretsClient, SpecValidation, StoreKind } from "../provider.js";
import { newCredential } from "./auth/resolve.js";
import { AzureKVClient } from "./client.js";
import { cloudEndpoints } from "./clouds.js";
import { azureClientOptions } from "./sdk-options.js";

const FIELD = "spec.provider.azurekv";

export const azureKVProvider: Provider<AzureKVProvider> = {
  name: "azurekv",
  capabilities(): Capabilities {
    return "ReadWrite";
  },
  validate(spec: AzureKVProvider, storeKind: StoreKind): SpecValidation {
    const errs: string[] = [];
    if (!spec?.vaultUrl) errs.push(`${FIELD}.vaultUrl: is required`);
    else {
      try {
        new URL(spec.vaultUrl);
      } catch {
        errs.push(`${FIELD}.vaultUrl: is not a valid URL`);
      }
    }
    const authType = spec?.authType ?? "ServicePrincipal";
    const auth = spec?.authSecretRef;
    if (authType === "ServicePrincipal") {
      if (!auth?.clientId) errs.push(`${FIELD}.authSecretRef.clientId: is required for ServicePrincipal`);
      if (!auth?.clientSecret && !auth?.clientCertificate) {
        errs.push(`${FIELD}.authSecretRef: clientSecret or clientCertificate is required for ServicePrincipal`);
      }
      if (auth?.clientSecret && auth.clientCertificate) {
        errs.push(`${FIELD}.authSecretRef: only one of clientSecret or clientCertificate may be set`);
      }
      if (!spec?.tenantId && !auth?.tenantId) errs.push(`${FIELD}.tenantId: is required for ServicePrincipal`);
      if (storeKind === "ClusterSecretStore") {
        for (const [name, ref] of Object.entries(auth ?? {})) {
          if (ref && !ref.namespace)
            errs.push(`${FIELD}.authSecretRef.${name}.namespace: is required for a ClusterSecretStore`);
        }
      }
    }
    if (authType === "WorkloadIdentity" && !spec?.serviceAccountRef?.name) {
      errs.push(`${FIELD}.serviceAccountRef: is required for WorkloadIdentity`);
    }
    if (spec?.environmentType === "AzureStackCloud" && !spec.customCloudConfig?.activeDirectoryEndpoint) {
      errs.push(`${FIELD}.customCloudConfig.activeDirectoryEndpoint: is required for AzureStackCloud`);
    }
    return { errors: errs, warnings: [] };
  },
  async newClient(spec: AzureKVProvider, ctx: ProviderContext): Promise<SecretsClient> {
    const cloud = cloudEndpoints(spec);
    const options = await azureClientOptions();
    const credential = await newCredential(spec, ctx, cloud, options);
    // The SDK checks the challenge's resource against the vault host; a vault outside the cloud's Key Vault
    // domain (private endpoint, test server) cannot pass that check.
    const host = new URL(spec.vaultUrl).hostname;
    const inCloudDomain = cloud.keyVaultDNSSuffix !== "" && host.endsWith(cloud.keyVaultDNSSuffix);
    return AzureKVClient.open(spec.vaultUrl, credential, {
      ...options,
      disableChallengeResourceVerification: !inCloudDomain,
    });
  },
};
