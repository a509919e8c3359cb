import { type Static, Type } from "@sinclair/typebox";
import { SecretKeySelectorSchema, ServiceAccountSelectorSchema } from "../common.js";
import { StringEnum } from "../schema.js";

export const AzureAuthTypeValues = ["ServicePrincipal", "ManagedIdentity", "WorkloadIdentity"] as const;
export const AzureEnvironmentValues = [
  "PublicCloud",
  "USGovernmentCloud",
  "ChinaCloud",
  "GermanCloud",
  "AzureStackCloud",
] as const;

export const AzureKVAuthSchema = Type.Object({
  clientId: Type.Optional(SecretKeySelectorSchema),
  tenantId: Type.Optional(SecretKeySelectorSchema),
  clientSecret: Type.Optional(SecretKeySelectorSchema),
  clientCertificate: Type.Optional(SecretKeySelectorSchema),
});
export type AzureKVAuth = Static<typeof AzureKVAuthSchema>;

export const AzureCustomCloudConfigSchema = Type.Object({
  activeDirectoryEndpoint: Type.String({ description: "Microsoft Entra ID authority host used to log in." }),
  keyVaultEndpoint: Type.Optional(
    Type.String({ description: "Key Vault resource (token audience), when it differs from the vaultUrl domain." }),
  ),
  keyVaultDNSSuffix: Type.Optional(Type.String({ description: "DNS suffix of the cloud's Key Vault URLs." })),
  resourceManagerEndpoint: Type.Optional(Type.String({ description: "Azure Resource Manager endpoint." })),
});

export const AzureKVProviderSchema = Type.Object({
  authType: Type.Optional(StringEnum(AzureAuthTypeValues, { default: "ServicePrincipal" })),
  vaultUrl: Type.String({ description: "Vault URL from which the secrets are fetched." }),
  tenantId: Type.Optional(Type.String()),
  environmentType: Type.Optional(StringEnum(AzureEnvironmentValues, { default: "PublicCloud" })),
  authSecretRef: Type.Optional(AzureKVAuthSchema),
  serviceAccountRef: Type.Optional(ServiceAccountSelectorSchema),
  identityId: Type.Optional(Type.String({ description: "Managed identity to use when several are assigned." })),
  useAzureSDK: Type.Optional(Type.Boolean({ default: false })),
  customCloudConfig: Type.Optional(AzureCustomCloudConfigSchema),
});
export type AzureKVProvider = Static<typeof AzureKVProviderSchema>;
