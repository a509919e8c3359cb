/**
 * The parts of spec.provider.aws this provider reads, field for field as ESO's AWSProvider (v1 / v1beta1).
 * Kept structural so the CRD schema types (src/api/providers/aws.ts) are assignable to it.
 */
import type { SecretKeySelector, ServiceAccountSelector } from "../resolvers.js";

export interface AWSAuthSpec {
  secretRef?: {
    accessKeyIDSecretRef?: SecretKeySelector;
    secretAccessKeySecretRef?: SecretKeySelector;
    sessionTokenSecretRef?: SecretKeySelector;
  };
  jwt?: { serviceAccountRef?: ServiceAccountSelector };
}

export interface AWSProviderSpec {
  service: "SecretsManager" | "ParameterStore";
  region?: string;
  auth?: AWSAuthSpec;
  role?: string;
  additionalRoles?: string[];
  externalID?: string;
  sessionTags?: { key: string; value: string }[];
  transitiveTagKeys?: string[];
  prefix?: string;
  secretsManager?: { forceDeleteWithoutRecovery?: boolean; recoveryWindowInDays?: number };
}
