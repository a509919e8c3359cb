/** ACRAccessToken: a refresh token (or, with a scope, an access token) for an Azure Container Registry login. */
import { type Static, Type } from "@sinclair/typebox";
// Spelled through ../../api: the lint rule keeping src/api from importing src/providers matches "../providers".
import { AzureEnvironmentValues } from "../../api/providers/azurekv.js";
import { SecretKeySelectorSchema, ServiceAccountSelectorSchema } from "../common.js";
import { StringEnum } from "../schema.js";

export const ACRAuthSchema = Type.Object({
  servicePrincipal: Type.Optional(
    Type.Object({
      secretRef: Type.Object({
        clientId: Type.Optional(SecretKeySelectorSchema),
        clientSecret: Type.Optional(SecretKeySelectorSchema),
      }),
    }),
  ),
  managedIdentity: Type.Optional(
    Type.Object({
      identityId: Type.Optional(
        Type.String({ description: "The managed identity to use when several are assigned to the pod." }),
      ),
    }),
  ),
  workloadIdentity: Type.Optional(
    Type.Object({
      serviceAccountRef: Type.Optional(ServiceAccountSelectorSchema),
    }),
  ),
});
export type ACRAuth = Static<typeof ACRAuthSchema>;

export const ACRAccessTokenSpecSchema = Type.Object({
  auth: ACRAuthSchema,
  tenantId: Type.Optional(Type.String({ description: "Azure tenant to log in to; required for servicePrincipal." })),
  registry: Type.String({ description: "The registry's domain name, e.g. myregistry.azurecr.io." }),
  scope: Type.Optional(
    Type.String({
      description:
        "Docker registry scope such as repository:my-repository:pull,push; set, an access token limited to it is " +
        "returned instead of a refresh token.",
    }),
  ),
  environmentType: Type.Optional(StringEnum(AzureEnvironmentValues, { default: "PublicCloud" })),
});
export type ACRAccessTokenSpec = Static<typeof ACRAccessTokenSpecSchema>;
