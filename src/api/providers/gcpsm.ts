import { type Static, Type } from "@sinclair/typebox";
import { SELECTOR, SecretKeySelectorSchema, ServiceAccountSelectorSchema } from "../common.js";
import { NamespaceName, ObjectName, SecretDataKey, StringEnum } from "../schema.js";

export const GCPSMAuthSecretRefSchema = Type.Object({
  secretAccessKeySecretRef: Type.Optional(SecretKeySelectorSchema),
});

export const GCPWorkloadIdentitySchema = Type.Object({
  serviceAccountRef: ServiceAccountSelectorSchema,
  clusterLocation: Type.Optional(Type.String()),
  clusterName: Type.Optional(Type.String()),
  clusterProjectID: Type.Optional(Type.String()),
});
export type GCPWorkloadIdentity = Static<typeof GCPWorkloadIdentitySchema>;

/** A ConfigMap key holding an external_account credential configuration (JSON). */
export const GCPConfigMapReferenceSchema = Type.Object(
  {
    name: ObjectName({ description: "Name of the ConfigMap." }),
    namespace: Type.Optional(NamespaceName({ description: "Namespace of the ConfigMap (ClusterSecretStore only)." })),
    key: SecretDataKey({ description: "Key holding the external account credential configuration." }),
  },
  { [SELECTOR]: true },
);

/** A Secret holding aws_access_key_id, aws_secret_access_key and optionally aws_session_token. */
export const GCPSecretReferenceSchema = Type.Object(
  {
    name: ObjectName({ description: "Name of the Secret." }),
    namespace: Type.Optional(NamespaceName({ description: "Namespace of the Secret (ClusterSecretStore only)." })),
  },
  { [SELECTOR]: true },
);

export const GCPAwsCredentialsConfigSchema = Type.Object({
  region: Type.String({ minLength: 1, maxLength: 50, pattern: "^[a-z0-9-]+$", description: "AWS region." }),
  awsCredentialsSecretRef: GCPSecretReferenceSchema,
});

/** Workload Identity Federation off GKE: a federated token from Google STS, then impersonation if configured. */
export const GCPWorkloadIdentityFederationSchema = Type.Object({
  credConfig: Type.Optional(GCPConfigMapReferenceSchema),
  serviceAccountRef: Type.Optional(ServiceAccountSelectorSchema),
  awsSecurityCredentials: Type.Optional(GCPAwsCredentialsConfigSchema),
  audience: Type.Optional(
    Type.String({ description: "STS audience: the workload identity pool provider's full resource name." }),
  ),
  externalTokenEndpoint: Type.Optional(
    Type.String({ description: "Expected credential_source.url of the credConfig (checked, not fetched blindly)." }),
  ),
});
export type GCPWorkloadIdentityFederation = Static<typeof GCPWorkloadIdentityFederationSchema>;

export const GCPSMAuthSchema = Type.Object({
  secretRef: Type.Optional(GCPSMAuthSecretRefSchema),
  workloadIdentity: Type.Optional(GCPWorkloadIdentitySchema),
  workloadIdentityFederation: Type.Optional(GCPWorkloadIdentityFederationSchema),
});
export type GCPSMAuth = Static<typeof GCPSMAuthSchema>;

export const GCPSMProviderSchema = Type.Object({
  auth: Type.Optional(GCPSMAuthSchema),
  projectID: Type.Optional(Type.String()),
  location: Type.Optional(Type.String({ description: "Location of regional secrets." })),
  secretVersionSelectionPolicy: Type.Optional(
    StringEnum(["LatestOrFail", "LatestOrFetch"] as const, { default: "LatestOrFail" }),
  ),
});
export type GCPSMProvider = Static<typeof GCPSMProviderSchema>;
