/** The "azurekv" provider: secrets, keys and certificates of one Azure Key Vault. */
import type { AzureKVProvider } from "../../api/providers/azurekv.js";
import type { Capabilities, Provider, ProviderContext, SecretsClient, SpecValidation, StoreKind } from "../provider.js";
import { tenantPolicy } from "../tenant-policy.js";
import { newCredential } from "./auth/resolve.js";
import { AzureKVClient } from "./client.js";
import { cloudEndpoints } from "./clouds.js";
import { azureClientOptions } from "./kit/sdk-options.js";
import { pinnedToResource } from "./resource-guard.js";

const FIELD = "spec.provider.azurekv";

/** As upstream: customCloudConfig needs useAzureSDK (the only client it works with), and its endpoints are URLs. */
function customCloudErrors(spec: AzureKVProvider): string[] {
  const c = spec?.customCloudConfig;
  if (!c) return [];
  const errs: string[] = [];
  if (spec.useAzureSDK !== true) errs.push(`${FIELD}.customCloudConfig: requires useAzureSDK: true`);
  if (!c.activeDirectoryEndpoint && spec.environmentType !== "AzureStackCloud") {
    errs.push(`${FIELD}.customCloudConfig.activeDirectoryEndpoint: is required`);
  }
  for (const name of ["activeDirectoryEndpoint", "keyVaultEndpoint", "resourceManagerEndpoint"] as const) {
    const v = c[name];
    if (!v) continue;
    let ok = false;
    try {
      ok = /^https?:$/.test(new URL(v).protocol);
    } catch {}
    if (!ok) errs.push(`${FIELD}.customCloudConfig.${name}: is not an http(s) URL`);
  }
  return errs;
}

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
    if (authType === "WorkloadIdentity") {
      const sa = spec?.serviceAccountRef;
      if (sa && !sa.name) errs.push(`${FIELD}.serviceAccountRef.name: is required`);
      // Without serviceAccountRef the operator's own federated identity serves, as upstream: not for a SecretStore
      // when the operator refuses ambient credentials to namespaced stores.
      if (!sa && storeKind === "SecretStore" && tenantPolicy().refuseAmbientCredentials) {
        errs.push(
          `${FIELD}.serviceAccountRef: is required for WorkloadIdentity in a SecretStore (--refuse-ambient-credentials-for-namespaced-stores)`,
        );
      }
    }
    if (spec?.environmentType === "AzureStackCloud" && !spec.customCloudConfig?.activeDirectoryEndpoint) {
      errs.push(`${FIELD}.customCloudConfig.activeDirectoryEndpoint: is required for AzureStackCloud`);
    }
    errs.push(...customCloudErrors(spec));
    return { errors: errs, warnings: [] };
  },
  async newClient(spec: AzureKVProvider, ctx: ProviderContext): Promise<SecretsClient> {
    const cloud = cloudEndpoints(spec);
    const options = await azureClientOptions();
    const login = await newCredential(spec, ctx, cloud, options);
    // The SDK checks the challenge's resource against the vault host; a vault outside the cloud's Key Vault
    // domain (private endpoint, test server) cannot pass that check. A keyVaultEndpoint replaces that check
    // with its own: the challenge may name that resource and no other.
    const host = new URL(spec.vaultUrl).hostname;
    const inCloudDomain = cloud.keyVaultDNSSuffix !== "" && host.endsWith(cloud.keyVaultDNSSuffix);
    const credential = cloud.keyVaultResource ? pinnedToResource(login, cloud.keyVaultResource) : login;
    return AzureKVClient.open(spec.vaultUrl, credential, {
      ...options,
      disableChallengeResourceVerification: !!cloud.keyVaultResource || !inCloudDomain,
    });
  },
};
