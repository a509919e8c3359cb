import type { AzureClientOptions } from "../sdk-options.js";

/** Client options plus the cloud's authority host, for credentials that log in to Entra ID. */
export type CredentialOptions = AzureClientOptions & { authorityHost: string; disableInstanceDiscovery: boolean };
