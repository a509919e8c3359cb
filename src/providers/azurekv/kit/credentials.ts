/**
 * @azure/identity credentials from already resolved inputs, for any Azure spec (the Key Vault provider, the ACR
 * generator): client secret, client certificate, managed identity (under the tenant policy) and federated
 * ServiceAccount tokens. Each caller resolves its own spec fields; the SDK loads on first use.
 */
import type { TokenCredential } from "@azure/identity";
import type { CredentialScope } from "../../provider.js";
import { refuseAmbientCredentials } from "../../tenant-policy.js";
import type { AzureClientOptions } from "./sdk-options.js";

/** Client options plus the cloud's authority host, for credentials that log in to Entra ID. */
export type CredentialOptions = AzureClientOptions & { authorityHost: string; disableInstanceDiscovery: boolean };

/** Login options for `authorityHost` (instance discovery off: private and national clouds answer it differently). */
export function loginOptions(options: AzureClientOptions, authorityHost: string): CredentialOptions {
  return { ...options, authorityHost, disableInstanceDiscovery: true };
}

export async function clientSecretCredential(
  tenantId: string,
  clientId: string,
  clientSecret: string,
  options: CredentialOptions,
): Promise<TokenCredential> {
  const { ClientSecretCredential } = await import("@azure/identity");
  return new ClientSecretCredential(tenantId, clientId, clientSecret, options);
}

/** `pem` holds the certificate and its private key. */
export async function clientCertificateCredential(
  tenantId: string,
  clientId: string,
  pem: string,
  options: CredentialOptions,
): Promise<TokenCredential> {
  const { ClientCertificateCredential } = await import("@azure/identity");
  return new ClientCertificateCredential(tenantId, clientId, { certificate: pem }, options);
}

/** A federated login: `assertion` (a ServiceAccount token) is fetched anew for every token request. */
export async function federatedCredential(
  tenantId: string,
  clientId: string,
  assertion: () => Promise<string>,
  options: CredentialOptions,
): Promise<TokenCredential> {
  const { ClientAssertionCredential } = await import("@azure/identity");
  return new ClientAssertionCredential(tenantId, clientId, assertion, options);
}

/**
 * The controller's own managed identity (IMDS), refused for namespaced stores and generators when the tenant
 * policy says so. `identityId` picks one of several assigned identities: a resource id (starts with "/") or a
 * client id. `field` names the spec field that chose managed identity, `remedy` what to set instead.
 */
export async function managedIdentityCredential(
  scope: CredentialScope,
  identityId: string | undefined,
  options: AzureClientOptions,
  field: string,
  remedy: string,
): Promise<TokenCredential> {
  refuseAmbientCredentials(scope, field, "Azure managed identity", remedy);
  const { ManagedIdentityCredential } = await import("@azure/identity");
  const mi = identityId?.startsWith("/") ? { resourceId: identityId } : identityId ? { clientId: identityId } : {};
  return new ManagedIdentityCredential({ ...options, ...mi });
}
