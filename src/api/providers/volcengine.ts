/** Volcengine KMS secrets manager (upstream's `volcengine` provider block). */
import { type Static, Type } from "@sinclair/typebox";
import { SecretKeySelectorSchema } from "../common.js";

export const VolcengineAuthSecretRefSchema = Type.Object({
  accessKeyID: SecretKeySelectorSchema,
  secretAccessKey: SecretKeySelectorSchema,
  token: Type.Optional(SecretKeySelectorSchema),
});
export type VolcengineAuthSecretRef = Static<typeof VolcengineAuthSecretRefSchema>;

export const VolcengineProviderSchema = Type.Object({
  region: Type.String({ description: "Region specifies the Volcengine region to connect to." }),
  auth: Type.Optional(
    Type.Object(
      {
        secretRef: Type.Optional(
          Type.Object(VolcengineAuthSecretRefSchema.properties, {
            description:
              "SecretRef defines the static credentials to use for authentication.\nIf not set, IRSA is used.",
          }),
        ),
      },
      {
        description:
          "Auth defines the authentication method to use.\nIf not specified, the provider will try to use IRSA (IAM Role for Service Account).",
      },
    ),
  ),
});
export type VolcengineProvider = Static<typeof VolcengineProviderSchema>;
