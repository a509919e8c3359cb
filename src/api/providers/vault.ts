import { type Static, Type } from "@sinclair/typebox";
import { CAProviderSchema, SecretKeySelectorSchema, ServiceAccountSelectorSchema } from "../common.js";
import { Bytes, StringEnum, StringMap } from "../schema.js";
import { GCPSMAuthSecretRefSchema, GCPWorkloadIdentitySchema } from "./gcpsm.js";

export const VaultAppRoleSchema = Type.Object({
  path: Type.String({ default: "approle" }),
  roleId: Type.Optional(Type.String()),
  roleRef: Type.Optional(SecretKeySelectorSchema),
  secretRef: SecretKeySelectorSchema,
});

export const VaultKubernetesAuthSchema = Type.Object({
  mountPath: Type.String({ default: "kubernetes" }),
  serviceAccountRef: Type.Optional(ServiceAccountSelectorSchema),
  secretRef: Type.Optional(SecretKeySelectorSchema),
  role: Type.String({ description: "The Vault role bound to the ServiceAccount." }),
});

export const VaultLdapAuthSchema = Type.Object({
  path: Type.String({ default: "ldap" }),
  username: Type.String(),
  secretRef: Type.Optional(SecretKeySelectorSchema),
});

export const VaultUserPassAuthSchema = Type.Object({
  path: Type.String({ default: "userpass" }),
  username: Type.String(),
  secretRef: Type.Optional(SecretKeySelectorSchema),
});

export const VaultKubernetesServiceAccountTokenAuthSchema = Type.Object({
  serviceAccountRef: ServiceAccountSelectorSchema,
  audiences: Type.Optional(Type.Array(Type.String(), { description: "Deprecated: use serviceAccountRef.audiences." })),
  expirationSeconds: Type.Optional(Type.Integer({ description: "Token lifetime, default 600." })),
});

export const VaultJwtAuthSchema = Type.Object({
  path: Type.String({ default: "jwt" }),
  role: Type.Optional(Type.String()),
  secretRef: Type.Optional(SecretKeySelectorSchema),
  kubernetesServiceAccountToken: Type.Optional(VaultKubernetesServiceAccountTokenAuthSchema),
  /** Not an upstream field: circulating guides write it; read as kubernetesServiceAccountToken's. */
  serviceAccountRef: Type.Optional(ServiceAccountSelectorSchema),
});

export const VaultCertAuthSchema = Type.Object({
  path: Type.Optional(Type.String({ default: "cert" })),
  clientCert: Type.Optional(SecretKeySelectorSchema),
  secretRef: Type.Optional(SecretKeySelectorSchema),
  vaultRole: Type.Optional(
    Type.String({ description: "The cert auth role to log in against (sent as `name`); unset tries every role." }),
  ),
});

export const VaultAwsAuthSecretRefSchema = Type.Object({
  accessKeyIDSecretRef: Type.Optional(SecretKeySelectorSchema),
  secretAccessKeySecretRef: Type.Optional(SecretKeySelectorSchema),
  sessionTokenSecretRef: Type.Optional(SecretKeySelectorSchema),
});

export const VaultIAMSTSEndpointPolicyValues = ["Legacy", "Regional"] as const;

export const VaultIamAuthSchema = Type.Object({
  path: Type.Optional(Type.String({ description: 'Mount path of the AWS auth method, default "aws".' })),
  region: Type.Optional(Type.String()),
  role: Type.Optional(Type.String({ description: "AWS role to assume before talking to Vault." })),
  vaultRole: Type.String(),
  externalID: Type.Optional(Type.String()),
  vaultAwsIamServerID: Type.Optional(Type.String()),
  stsEndpointPolicy: Type.Optional(
    StringEnum(VaultIAMSTSEndpointPolicyValues, {
      description:
        "STS endpoint the signed GetCallerIdentity request names. Legacy (default): the global sts.amazonaws.com " +
        "(signed for us-east-1) for regions it serves, the regional endpoint otherwise; Regional: always " +
        "sts.<region>.amazonaws.com. AWS_STS_ENDPOINT overrides both.",
    }),
  ),
  secretRef: Type.Optional(VaultAwsAuthSecretRefSchema),
  jwt: Type.Optional(Type.Object({ serviceAccountRef: Type.Optional(ServiceAccountSelectorSchema) })),
});

export const VaultGCPAuthSchema = Type.Object({
  path: Type.Optional(Type.String({ default: "gcp" })),
  role: Type.String(),
  projectID: Type.Optional(Type.String()),
  location: Type.Optional(Type.String()),
  secretRef: Type.Optional(GCPSMAuthSecretRefSchema),
  workloadIdentity: Type.Optional(GCPWorkloadIdentitySchema),
  serviceAccountRef: Type.Optional(ServiceAccountSelectorSchema),
});

/** Only one auth method may be set; `namespace` is the Vault namespace to log in to. */
export const VaultAuthSchema = Type.Object({
  namespace: Type.Optional(Type.String()),
  tokenSecretRef: Type.Optional(SecretKeySelectorSchema),
  appRole: Type.Optional(VaultAppRoleSchema),
  kubernetes: Type.Optional(VaultKubernetesAuthSchema),
  ldap: Type.Optional(VaultLdapAuthSchema),
  jwt: Type.Optional(VaultJwtAuthSchema),
  cert: Type.Optional(VaultCertAuthSchema),
  iam: Type.Optional(VaultIamAuthSchema),
  userPass: Type.Optional(VaultUserPassAuthSchema),
  gcp: Type.Optional(VaultGCPAuthSchema),
});
export type VaultAuth = Static<typeof VaultAuthSchema>;

export const VaultKVVersionValues = ["v1", "v2"] as const;

/** Fields shared by the vault provider and VaultDynamicSecret generator. */
export const vaultFields = {
  auth: Type.Optional(VaultAuthSchema),
  server: Type.String({ description: 'Vault server address, e.g. "https://vault.example.com:8200".' }),
  path: Type.Optional(Type.String({ description: 'Mount path of the KV engine, e.g. "secret".' })),
  version: Type.Optional(StringEnum(VaultKVVersionValues, { default: "v2" })),
  namespace: Type.Optional(Type.String({ description: "Vault Enterprise namespace." })),
  caBundle: Type.Optional(Bytes()),
  tls: Type.Optional(
    Type.Object(
      {
        certSecretRef: Type.Optional(SecretKeySelectorSchema),
        keySecretRef: Type.Optional(SecretKeySelectorSchema),
      },
      { description: "Client certificate (key tls.crt) and key (key tls.key) presented to Vault (mTLS); set both." },
    ),
  ),
  caProvider: Type.Optional(CAProviderSchema),
  readYourWrites: Type.Optional(Type.Boolean()),
  forwardInconsistent: Type.Optional(Type.Boolean()),
  headers: Type.Optional(StringMap()),
  checkAndSet: Type.Optional(
    Type.Object({
      required: Type.Optional(
        Type.Boolean({ description: "Send check-and-set (cas) on every KV v2 write; not supported on KV v1." }),
      ),
    }),
  ),
};

/** HashiCorp Vault and OpenBao (same API). */
export const VaultProviderSchema = Type.Object(vaultFields);
export type VaultProvider = Static<typeof VaultProviderSchema>;
