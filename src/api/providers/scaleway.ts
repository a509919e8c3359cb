/** Scaleway Secret Manager (upstream's `scaleway` provider block). */
import { type Static, Type } from "@sinclair/typebox";
import { SecretKeySelectorSchema } from "../common.js";

/** A credential given inline (`value`) or read from a Secret (`secretRef`); exactly one of them. */
export const ScalewayProviderSecretRefSchema = Type.Object({
  value: Type.Optional(
    Type.String({ description: "Value can be specified directly to set a value without using a secret." }),
  ),
  secretRef: Type.Optional(SecretKeySelectorSchema),
});
export type ScalewayProviderSecretRef = Static<typeof ScalewayProviderSecretRefSchema>;

export const ScalewayProviderSchema = Type.Object({
  apiUrl: Type.Optional(
    Type.String({ description: "APIURL is the url of the api to use. Defaults to https://api.scaleway.com" }),
  ),
  region: Type.String({ description: "Region where your secrets are located (e.g. fr-par)." }),
  projectId: Type.String({ description: "ProjectID is the id of your project." }),
  accessKey: ScalewayProviderSecretRefSchema,
  secretKey: ScalewayProviderSecretRefSchema,
});
export type ScalewayProvider = Static<typeof ScalewayProviderSchema>;
