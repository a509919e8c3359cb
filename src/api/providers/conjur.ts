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

/** auth.iam: explicit AWS keys; without them the controller's own AWS identity (default credential chain). */
export const ConjurIAMSecretRefSchema = Type.Object({
  accessKeyIDSecretRef: SecretKeySelectorSchema,
  secretAccessKeySecretRef: SecretKeySelectorSchema,
  sessionTokenSecretRef: Type.Optional(SecretKeySelectorSchema),
});

/** auth.iam: a signed sts:GetCallerIdentity request sent to the authn-iam web service `serviceID`. */
export const ConjurIAMSchema = Type.Object({
  account: Type.String({ description: "Account is the Conjur organization account name." }),
  serviceID: Type.String({ description: "ServiceID is the Conjur authn-iam webservice identifier." }),
  hostId: Type.String({ description: "HostID is the Conjur host mapped to the AWS IAM role." }),
  secretRef: Type.Optional(ConjurIAMSecretRefSchema),
});

/** auth.azure: an Azure token (managed identity from IMDS, or a TokenRequest for serviceAccountRef) for authn-azure. */
export const ConjurAzureSchema = Type.Object({
  account: Type.String({ description: "Account is the Conjur organization account name." }),
  serviceID: Type.String({ description: "ServiceID is the Conjur authn-azure webservice identifier." }),
  hostId: Type.String({ description: "HostID is the Conjur host mapped to the Azure managed identity." }),
  clientId: Type.Optional(
    Type.String({ description: "ClientID of a user-assigned managed identity; omit for system-assigned." }),
  ),
  serviceAccountRef: Type.Optional(ServiceAccountSelectorSchema),
});

export const ConjurGCPSecretRefSchema = Type.Object({
  jwt: SecretKeySelectorSchema,
});

/** auth.gcp: a Google identity token (metadata server, or from a Secret) for authn-gcp. */
export const ConjurGCPSchema = Type.Object({
  account: Type.String({ description: "Account is the Conjur organization account name." }),
  serviceID: Type.Optional(Type.String({ description: "Reserved: authn-gcp has no service id in its URL." })),
  hostId: Type.String({ description: "HostID is the Conjur host mapped to the GCP service account." }),
  secretRef: Type.Optional(ConjurGCPSecretRefSchema),
});

/** Exactly one method (checked by validate, as upstream). */
export const ConjurAuthSchema = Type.Object({
  apikey: Type.Optional(ConjurAPIKeySchema),
  jwt: Type.Optional(ConjurJWTSchema),
  cert: Type.Optional(ConjurCertSchema),
  iam: Type.Optional(ConjurIAMSchema),
  azure: Type.Optional(ConjurAzureSchema),
  gcp: Type.Optional(ConjurGCPSchema),
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
