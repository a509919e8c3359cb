/**
 * The national clouds an `environmentType` names: where to log in (Entra ID authority host) and the management
 * resources tokens are requested for. Key Vault's own endpoints stay with the provider (`azurekv/clouds.ts`).
 */
import type { AzureEnvironmentValues } from "../../../api/providers/azurekv.js";

export type AzureEnvironment = (typeof AzureEnvironmentValues)[number];
export type NationalCloud = Exclude<AzureEnvironment, "AzureStackCloud">;

export interface NationalCloudEndpoints {
  /** Microsoft Entra ID authority host. */
  authorityHost: string;
  /** Azure Resource Manager resource (go-autorest's TokenAudience), with its trailing slash. */
  resourceManager: string;
  /** The classic service management resource (go-autorest's ServiceManagementEndpoint), with its trailing slash. */
  serviceManagement: string;
}

export const NATIONAL_CLOUDS: Readonly<Record<NationalCloud, NationalCloudEndpoints>> = {
  PublicCloud: {
    authorityHost: "https://login.microsoftonline.com",
    resourceManager: "https://management.azure.com/",
    serviceManagement: "https://management.core.windows.net/",
  },
  USGovernmentCloud: {
    authorityHost: "https://login.microsoftonline.us",
    resourceManager: "https://management.usgovcloudapi.net/",
    serviceManagement: "https://management.core.usgovcloudapi.net/",
  },
  ChinaCloud: {
    authorityHost: "https://login.chinacloudapi.cn",
    resourceManager: "https://management.chinacloudapi.cn/",
    serviceManagement: "https://management.core.chinacloudapi.cn/",
  },
  GermanCloud: {
    authorityHost: "https://login.microsoftonline.de",
    resourceManager: "https://management.microsoftazure.de/",
    serviceManagement: "https://management.core.cloudapi.de/",
  },
};

export function isNationalCloud(env: string): env is NationalCloud {
  return Object.hasOwn(NATIONAL_CLOUDS, env);
}

/**
 * AZURE_AUTHORITY_HOST (the Azure SDKs' variable), set in the operator's environment: logins go there instead of
 * the cloud's authority host (private endpoints, loopback test servers). Not a spec field: a tenant cannot set it.
 */
export function authorityHostOverride(): string | undefined {
  return process.env.AZURE_AUTHORITY_HOST || undefined;
}
