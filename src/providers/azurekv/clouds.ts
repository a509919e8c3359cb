import type { AzureKVProvider } from "../../api/providers/azurekv.js";
import { StoreConfigError } from "../errors.js";
import { authorityHostOverride, isNationalCloud, NATIONAL_CLOUDS, type NationalCloud } from "./kit/clouds.js";

export interface CloudEndpoints {
  /** Microsoft Entra ID authority host. */
  authorityHost: string;
  /** Key Vault DNS suffix, used to decide whether the challenge resource can be verified. */
  keyVaultDNSSuffix: string;
  /**
   * customCloudConfig.keyVaultEndpoint: the Key Vault resource tokens are requested for when it differs from
   * the vault URL's domain. Set, it is the only resource a vault's challenge may name.
   */
  keyVaultResource?: string;
  /**
   * customCloudConfig.resourceManagerEndpoint, kept in the cloud configuration as upstream does; no Key Vault
   * call goes through Azure Resource Manager, so nothing here sends requests to it.
   */
  resourceManager?: string;
}

const KEY_VAULT_DNS_SUFFIX: Record<NationalCloud, string> = {
  PublicCloud: ".vault.azure.net",
  USGovernmentCloud: ".vault.usgovcloudapi.net",
  ChinaCloud: ".vault.azure.cn",
  GermanCloud: ".vault.microsoftazure.de",
};

/** A resource URL as Entra ID scopes name it: no trailing slash. */
export function resourceId(url: string): string {
  return url.trim().replace(/\/+$/, "");
}

/**
 * The endpoints for spec.environmentType, with customCloudConfig laid over them (any environment, as upstream:
 * Azure Stack needs it, Azure China's AKS workload identity uses it for its own authority host). Without a
 * customCloudConfig the environment variable AZURE_AUTHORITY_HOST overrides the authority host (private
 * endpoints, tests); an explicit customCloudConfig.activeDirectoryEndpoint wins over it.
 */
export function cloudEndpoints(spec: AzureKVProvider): CloudEndpoints {
  const env = spec.environmentType ?? "PublicCloud";
  const c = spec.customCloudConfig;
  if (env === "AzureStackCloud" && !c?.activeDirectoryEndpoint) {
    throw new StoreConfigError(
      "spec.provider.azurekv.customCloudConfig.activeDirectoryEndpoint: is required for AzureStackCloud",
    );
  }
  if (env !== "AzureStackCloud" && !isNationalCloud(env)) {
    throw new StoreConfigError(`spec.provider.azurekv.environmentType: unknown cloud ${env}`);
  }
  const known = isNationalCloud(env)
    ? { authorityHost: NATIONAL_CLOUDS[env].authorityHost, keyVaultDNSSuffix: KEY_VAULT_DNS_SUFFIX[env] }
    : { authorityHost: "", keyVaultDNSSuffix: "" };
  if (!c) {
    const override = authorityHostOverride();
    return override ? { ...known, authorityHost: override } : known;
  }
  return {
    authorityHost: c.activeDirectoryEndpoint || known.authorityHost,
    keyVaultDNSSuffix: c.keyVaultDNSSuffix ?? known.keyVaultDNSSuffix,
    ...(c.keyVaultEndpoint ? { keyVaultResource: resourceId(c.keyVaultEndpoint) } : {}),
    ...(c.resourceManagerEndpoint ? { resourceManager: resourceId(c.resourceManagerEndpoint) } : {}),
  };
}
