import type { AzureKVProvider } from "../../api/providers/azurekv.js";
import { StoreConfigError } from "../errors.js";

export interface CloudEndpoints {
  /** Microsoft Entra ID authority host. */
  authorityHost: string;
  /** Key Vault DNS suffix, used to decide whether the challenge resource can be verified. */
  keyVaultDNSSuffix: string;
}

const CLOUDS: Record<string, CloudEndpoints> = {
  PublicCloud: { authorityHost: "https://login.microsoftonline.com", keyVaultDNSSuffix: ".vault.azure.net" },
  USGovernmentCloud: {
    authorityHost: "https://login.microsoftonline.us",
    keyVaultDNSSuffix: ".vault.usgovcloudapi.net",
  },
  ChinaCloud: { authorityHost: "https://login.chinacloudapi.cn", keyVaultDNSSuffix: ".vault.azure.cn" },
  GermanCloud: { authorityHost: "https://login.microsoftonline.de", keyVaultDNSSuffix: ".vault.microsoftazure.de" },
};

/**
 * The endpoints for spec.environmentType. AzureStackCloud reads customCloudConfig. The environment variable
 * AZURE_AUTHORITY_HOST overrides the authority host of every cloud (private endpoints, tests).
 */
export function cloudEndpoints(spec: AzureKVProvider): CloudEndpoints {
  const env = spec.environmentType ?? "PublicCloud";
  let cloud: CloudEndpoints;
  if (env === "AzureStackCloud") {
    const c = spec.customCloudConfig;
    if (!c?.activeDirectoryEndpoint) {
      throw new StoreConfigError(
        "spec.provider.azurekv.customCloudConfig.activeDirectoryEndpoint: is required for AzureStackCloud",
      );
    }
    cloud = {
      authorityHost: c.activeDirectoryEndpoint,
      keyVaultDNSSuffix: c.keyVaultDNSSuffix ?? "",
    };
  } else {
    const known = CLOUDS[env];
    if (!known) throw new StoreConfigError(`spec.provider.azurekv.environmentType: unknown cloud ${env}`);
    cloud = known;
  }
  const override = process.env.AZURE_AUTHORITY_HOST;
  return override ? { ...cloud, authorityHost: override } : cloud;
}
