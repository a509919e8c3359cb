import { type Static, Type } from "@sinclair/typebox";
import { SecretKeySelectorSchema } from "../common.js";

/** OVHcloud Secret Manager (OKMS): exactly one of mtls or token (checked by validation, as upstream); their refs are required (+required). */
export const OvhAuthSchema = Type.Object({
  mtls: Type.Optional(
    Type.Object({
      certSecretRef: SecretKeySelectorSchema,
      keySecretRef: SecretKeySelectorSchema,
    }),
  ),
  token: Type.Optional(Type.Object({ tokenSecretRef: SecretKeySelectorSchema })),
});

export const OvhProviderSchema = Type.Object({
  server: Type.String({ description: "specifies the OKMS server endpoint." }),
  okmsid: Type.String({ description: "specifies the OKMS ID." }),
  casRequired: Type.Optional(
    Type.Boolean({ description: "Enables or disables check-and-set (CAS) (default: false)." }),
  ),
  okmsTimeout: Type.Optional(
    Type.Integer({
      format: "int32",
      default: 30,
      description: "Setup a timeout in seconds when requests to the KMS are made (default: 30).",
    }),
  ),
  auth: OvhAuthSchema,
});
export type OvhProvider = Static<typeof OvhProviderSchema>;
