import { type Static, Type } from "@sinclair/typebox";
import { CAProviderSchema, SecretKeySelectorSchema } from "../common.js";

export const BitwardenSecretsManagerAuthSchema = Type.Object(
  {
    secretRef: Type.Object(
      {
        credentials: SecretKeySelectorSchema,
      },
      { description: "The Secret holding the machine account access token." },
    ),
  },
  { description: "How to authenticate with the Bitwarden machine account." },
);

export const BitwardenSecretsManagerProviderSchema = Type.Object({
  apiURL: Type.Optional(Type.String()),
  identityURL: Type.Optional(Type.String()),
  bitwardenServerSDKURL: Type.Optional(Type.String()),
  caBundle: Type.Optional(
    Type.String({
      description:
        "Base64 encoded certificate for the bitwarden server sdk. The sdk MUST run with HTTPS to make sure no MITM attack can be performed.",
    }),
  ),
  caProvider: Type.Optional(CAProviderSchema),
  organizationID: Type.String({
    description: "OrganizationID determines which organization this secret store manages.",
  }),
  projectID: Type.String({ description: "ProjectID determines which project this secret store manages." }),
  auth: BitwardenSecretsManagerAuthSchema,
});
export type BitwardenSecretsManagerProvider = Static<typeof BitwardenSecretsManagerProviderSchema>;
