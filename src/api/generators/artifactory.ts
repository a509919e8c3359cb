/**
 * ArtifactoryAccessToken: a JFrog Platform access token, either exchanged for a Kubernetes ServiceAccount token
 * (OIDC) or created with a bootstrap token read from a Secret (referenceToken).
 */
import { type Static, Type } from "@sinclair/typebox";
import { SecretKeySelectorSchema, ServiceAccountSelectorSchema } from "../common.js";

export const ArtifactoryOIDCAuthSchema = Type.Object({
  providerName: Type.String({ description: "The OIDC provider name configured in JFrog Platform." }),
  serviceAccountRef: ServiceAccountSelectorSchema,
  providerType: Type.Optional(Type.String({ description: "The OIDC provider type. Defaults to GenericOidc." })),
  applicationKey: Type.Optional(
    Type.String({ description: "Required when using application-scoped OIDC configurations." }),
  ),
  projectKey: Type.Optional(Type.String({ description: "Scopes the token to a JFrog project." })),
  identityMappingName: Type.Optional(Type.String({ description: "Selects a specific identity mapping." })),
  includeReferenceToken: Type.Optional(
    Type.Boolean({ description: "Requests a shortened reference token in the response." }),
  ),
});
export type ArtifactoryOIDCAuth = Static<typeof ArtifactoryOIDCAuthSchema>;

export const ArtifactoryReferenceTokenAuthSchema = Type.Object({
  token: SecretKeySelectorSchema,
  scope: Type.String({ description: "The permissions granted to the generated token." }),
  description: Type.Optional(Type.String({ description: "A description for the generated token." })),
  expiresIn: Type.Optional(Type.Integer({ format: "int64", description: "The token lifetime in seconds." })),
  includeReferenceToken: Type.Optional(
    Type.Boolean({ description: "Requests a shortened reference token in the response." }),
  ),
  refreshable: Type.Optional(Type.Boolean({ description: "Marks the token as refreshable." })),
  projectKey: Type.Optional(Type.String({ description: "Scopes the token to a JFrog project." })),
});
export type ArtifactoryReferenceTokenAuth = Static<typeof ArtifactoryReferenceTokenAuthSchema>;

export const ArtifactoryAccessTokenSpecSchema = Type.Object({
  url: Type.String({ description: "The JFrog Platform base URL (e.g. https://acme.jfrog.io)." }),
  registry: Type.Optional(
    Type.String({
      description: "Docker registry hostname for dockerconfigjson templates; defaults to the URL's host.",
    }),
  ),
  auth: Type.Object(
    {
      oidc: Type.Optional(ArtifactoryOIDCAuthSchema),
      referenceToken: Type.Optional(ArtifactoryReferenceTokenAuthSchema),
    },
    { minProperties: 1, maxProperties: 1 },
  ),
});
export type ArtifactoryAccessTokenSpec = Static<typeof ArtifactoryAccessTokenSpecSchema>;
