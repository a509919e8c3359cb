import { type Static, Type } from "@sinclair/typebox";
import { SecretKeySelectorSchema, ServiceAccountSelectorSchema } from "../common.js";
import { StringEnum } from "../schema.js";

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

export const GCPSMAuthSchema = Type.Object({
  secretRef: Type.Optional(GCPSMAuthSecretRefSchema),
  workloadIdentity: Type.Optional(GCPWorkloadIdentitySchema),
});
export type GCPSMAuth = Static<typeof GCPSMAuthSchema>;

export const GCPSMProviderSchema = Type.Object({
  auth: Type.Optional(GCPSMAuthSchema),
  projectID: Type.Optional(Type.String()),
  location: Type.Optional(Type.String({ description: "Location of regional secrets." })),
  getLatestEnabledSecret: Type.Optional(Type.Boolean({ description: "Fetch the latest enabled version." })),
  secretVersionSelectionPolicy: Type.Optional(
    StringEnum(["LatestOrFail", "LatestOrFetch"] as const, { default: "LatestOrFail" }),
  ),
});
export type GCPSMProvider = Static<typeof GCPSMProviderSchema>;
