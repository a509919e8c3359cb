import { type Static, Type } from "@sinclair/typebox";
import { SecretKeySelectorSchema } from "../common.js";

export const IBMAuthSecretRefSchema = Type.Object({
  secretApiKeySecretRef: Type.Optional(SecretKeySelectorSchema),
  iamEndpoint: Type.Optional(Type.String({ description: "The IAM endpoint used to obtain a token." })),
});

export const IBMAuthContainerAuthSchema = Type.Object({
  profile: Type.String({ description: "The IBM Trusted Profile." }),
  tokenLocation: Type.Optional(Type.String({ description: "Location the token is mounted on the pod." })),
  iamEndpoint: Type.Optional(Type.String()),
});

/** Exactly one of secretRef or containerAuth. */
export const IBMAuthSchema = Type.Object(
  {
    secretRef: Type.Optional(IBMAuthSecretRefSchema),
    containerAuth: Type.Optional(IBMAuthContainerAuthSchema),
  },
  { minProperties: 1, maxProperties: 1 },
);

export const IBMProviderSchema = Type.Object({
  auth: IBMAuthSchema,
  serviceUrl: Type.Optional(
    Type.String({ description: "The Endpoint URL that is specific to the Secrets Manager service instance." }),
  ),
});
export type IBMProvider = Static<typeof IBMProviderSchema>;
