import { type Static, Type } from "@sinclair/typebox";
import { SecretKeySelectorSchema } from "../common.js";

/** Either serviceAccountCredsSecretRef or tokenSecretRef must be set (upstream's CEL rule; checked by validation). */
export const NebiusAuthSchema = Type.Object({
  serviceAccountCredsSecretRef: Type.Optional(SecretKeySelectorSchema),
  tokenSecretRef: Type.Optional(SecretKeySelectorSchema),
});

export const NebiusMysteryboxProviderSchema = Type.Object({
  apiDomain: Type.Optional(Type.String({ description: "NebiusMysterybox API endpoint" })),
  auth: NebiusAuthSchema,
  caProvider: Type.Optional(
    Type.Object(
      { certSecretRef: Type.Optional(SecretKeySelectorSchema) },
      {
        description: "The provider for the CA bundle to use to validate NebiusMysterybox server certificate.",
      },
    ),
  ),
});
export type NebiusMysteryboxProvider = Static<typeof NebiusMysteryboxProviderSchema>;
