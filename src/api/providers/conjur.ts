import { type Static, Type } from "@sinclair/typebox";
import { CAProviderSchema, SecretKeySelectorSchema, ServiceAccountSelectorSchema } from "../common.js";

/** auth.apikey: a Conjur login (host or user) and its API key, both read from Secrets. */
export const ConjurAPIKeySchema = Type.Object({
  account: Type.String({ description: "Account is the Conjur organization account name." }),
  userRef: SecretKeySelectorSchema,
  apiKeyRef: SecretKeySelectorSchema,
});

/** auth.jwt: a JWT from a Secret or a TokenRequest, sent to the authn-jwt web service `serviceID`. */
export const ConjurJWTSchema = Type.Object({
  account: Type.String({ description: "Account is the Conjur organization account name." }),
  serviceID: Type.String({ description: "The conjur authn jwt webservice id" }),
  hostId: Type.Optional(
    Type.String({ description: "Optional HostID for JWT authentication, depending on the authenticator policy." }),
  ),
  secretRef: Type.Optional(SecretKeySelectorSchema),
  serviceAccountRef: Type.Optional(ServiceAccountSelectorSchema),
});

/** auth.cert: a PEM client certificate and key presented to the authn-cert web service `serviceID`. */
export const ConjurCertSchema = Type.Object({
  account: Type.String({ description: "Account is the Conjur organization account name." }),
  serviceID: Type.String({ description: "The conjur authn cert webservice id" }),
  hostId: Type.Optional(
    Type.String({ description: "Optional HostID for cert authentication (can be omitted when using 'spiffe' mode)." }),
  ),
  clientCertRef: SecretKeySelectorSchema,
  clientKeyRef: SecretKeySelectorSchema,
});

/** Exactly one method (checked by validate, as upstream). */
export const ConjurAuthSchema = Type.Object({
  apikey: Type.Optional(ConjurAPIKeySchema),
  jwt: Type.Optional(ConjurJWTSchema),
  cert: Type.Optional(ConjurCertSchema),
});

export const ConjurProviderSchema = Type.Object({
  url: Type.String({ description: "URL is the endpoint of the Conjur instance." }),
  caBundle: Type.Optional(
    Type.String({ description: "A base64-encoded PEM CA bundle used to validate the Conjur server certificate." }),
  ),
  caProvider: Type.Optional(CAProviderSchema),
  auth: ConjurAuthSchema,
});
export type ConjurProvider = Static<typeof ConjurProviderSchema>;
export type ConjurAuth = Static<typeof ConjurAuthSchema>;
