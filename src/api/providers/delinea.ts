/** Delinea DevOps Secrets Vault (upstream's `delinea` provider block). */
import { type Static, Type } from "@sinclair/typebox";
import { SecretKeySelectorSchema } from "../common.js";

/** A credential given inline (`value`) or read from a Secret (`secretRef`); exactly one of them. */
export const DelineaProviderSecretRefSchema = Type.Object({
  value: Type.Optional(
    Type.String({ description: "Value can be specified directly to set a value without using a secret." }),
  ),
  secretRef: Type.Optional(SecretKeySelectorSchema),
});
export type DelineaProviderSecretRef = Static<typeof DelineaProviderSecretRefSchema>;

export const DelineaProviderSchema = Type.Object({
  clientId: DelineaProviderSecretRefSchema,
  clientSecret: DelineaProviderSecretRefSchema,
  tenant: Type.String({ description: "Tenant is the chosen hostname / site name." }),
  urlTemplate: Type.Optional(
    Type.String({ description: 'URLTemplate. If unset, defaults to "https://%s.secretsvaultcloud.%s/v1/%s%s".' }),
  ),
  tld: Type.Optional(
    Type.String({
      description:
        'TLD is based on the server location that was chosen during provisioning. If unset, defaults to "com".',
    }),
  ),
});
export type DelineaProvider = Static<typeof DelineaProviderSchema>;
