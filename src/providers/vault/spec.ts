/**
 * The parts of spec.provider.vault this provider reads, field for field as ESO's VaultProvider (v1 / v1beta1).
 * Kept structural so the CRD schema types (src/api/providers/vault.ts) are assignable to it.
 */
import type { SecretKeySelector, ServiceAccountSelector } from "../resolvers.js";

export interface VaultCAProvider {
  type: "Secret" | "ConfigMap";
  name: string;
  key?: string;
  namespace?: string;
}

export interface VaultKubernetesServiceAccountToken {
  serviceAccountRef: ServiceAccountSelector;
  audiences?: string[];
  expirationSeconds?: number;
}

export interface VaultAwsSecretRef {
  accessKeyIDSecretRef?: SecretKeySelector;
  secretAccessKeySecretRef?: SecretKeySelector;
  sessionTokenSecretRef?: SecretKeySelector;
}

export interface VaultAuth {
  namespace?: string;
  tokenSecretRef?: SecretKeySelector;
  appRole?: { path?: string; roleId?: string; roleRef?: SecretKeySelector; secretRef: SecretKeySelector };
  kubernetes?: {
    mountPath?: string;
    role: string;
    serviceAccountRef?: ServiceAccountSelector;
    secretRef?: SecretKeySelector;
  };
  ldap?: { path?: string; username: string; secretRef?: SecretKeySelector };
  userPass?: { path?: string; username: string; secretRef?: SecretKeySelector };
  jwt?: {
    path?: string;
    role?: string;
    secretRef?: SecretKeySelector;
    kubernetesServiceAccountToken?: VaultKubernetesServiceAccountToken;
    /** Not an ESO field, but written that way in circulating guides: treated as kubernetesServiceAccountToken. */
    serviceAccountRef?: ServiceAccountSelector;
  };
  cert?: { path?: string; clientCert?: SecretKeySelector; secretRef?: SecretKeySelector; vaultRole?: string };
  iam?: {
    path?: string;
    region?: string;
    role?: string;
    externalID?: string;
    vaultAwsIamServerID?: string;
    secretRef?: VaultAwsSecretRef;
    jwt?: { serviceAccountRef?: ServiceAccountSelector };
    vaultRole: string;
  };
}

export interface VaultCustomHeader {
  value?: string;
  secretKeyRef?: SecretKeySelector;
}

export interface VaultProviderSpec {
  server: string;
  path?: string;
  version?: "v1" | "v2";
  namespace?: string;
  auth?: VaultAuth;
  caBundle?: string;
  caProvider?: VaultCAProvider;
  tls?: { certSecretRef?: SecretKeySelector; keySecretRef?: SecretKeySelector };
  readYourWrites?: boolean;
  forwardInconsistent?: boolean;
  headers?: Record<string, VaultCustomHeader | string>;
  checkAndSet?: { required?: boolean };
}
