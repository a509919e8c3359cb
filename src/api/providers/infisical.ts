/** Infisical (upstream's `infisical` provider block): a machine identity reading one project environment. */
import { type Static, Type } from "@sinclair/typebox";
import { CAProviderSchema, SecretKeySelectorSchema } from "../common.js";
import { Bytes } from "../schema.js";

export const DEFAULT_INFISICAL_HOST_API = "https://app.infisical.com/api";

const Ref = SecretKeySelectorSchema;

export const InfisicalUniversalAuthCredentialsSchema = Type.Object({ clientId: Ref, clientSecret: Ref });

export const InfisicalAzureAuthCredentialsSchema = Type.Object({
  identityId: Ref,
  resource: Type.Optional(Ref),
});

export const InfisicalGcpIdTokenAuthCredentialsSchema = Type.Object({ identityId: Ref });

export const InfisicalGcpIamAuthCredentialsSchema = Type.Object({
  identityId: Ref,
  serviceAccountKeyFilePath: Ref,
});

export const InfisicalJwtAuthCredentialsSchema = Type.Object({ identityId: Ref, jwt: Ref });

export const InfisicalLdapAuthCredentialsSchema = Type.Object({
  identityId: Ref,
  ldapPassword: Ref,
  ldapUsername: Ref,
});

export const InfisicalOciAuthCredentialsSchema = Type.Object({
  identityId: Ref,
  privateKey: Ref,
  privateKeyPassphrase: Type.Optional(Ref),
  fingerprint: Ref,
  userId: Ref,
  tenancyId: Ref,
  region: Ref,
});

export const InfisicalKubernetesAuthCredentialsSchema = Type.Object({
  identityId: Ref,
  serviceAccountTokenPath: Type.Optional(Ref),
});

export const InfisicalAwsAuthCredentialsSchema = Type.Object({ identityId: Ref });

export const InfisicalTokenAuthCredentialsSchema = Type.Object({ accessToken: Ref });

export const InfisicalAuthSchema = Type.Object({
  universalAuthCredentials: Type.Optional(InfisicalUniversalAuthCredentialsSchema),
  azureAuthCredentials: Type.Optional(InfisicalAzureAuthCredentialsSchema),
  gcpIdTokenAuthCredentials: Type.Optional(InfisicalGcpIdTokenAuthCredentialsSchema),
  gcpIamAuthCredentials: Type.Optional(InfisicalGcpIamAuthCredentialsSchema),
  jwtAuthCredentials: Type.Optional(InfisicalJwtAuthCredentialsSchema),
  ldapAuthCredentials: Type.Optional(InfisicalLdapAuthCredentialsSchema),
  ociAuthCredentials: Type.Optional(InfisicalOciAuthCredentialsSchema),
  kubernetesAuthCredentials: Type.Optional(InfisicalKubernetesAuthCredentialsSchema),
  awsAuthCredentials: Type.Optional(InfisicalAwsAuthCredentialsSchema),
  tokenAuthCredentials: Type.Optional(InfisicalTokenAuthCredentialsSchema),
});
export type InfisicalAuth = Static<typeof InfisicalAuthSchema>;

export const InfisicalSecretsScopeSchema = Type.Object({
  secretsPath: Type.Optional(
    Type.String({
      default: "/",
      description:
        'SecretsPath specifies the path to the secrets within the workspace. Defaults to "/" if not provided.',
    }),
  ),
  recursive: Type.Optional(
    Type.Boolean({
      default: false,
      description: "Recursive indicates whether the secrets should be fetched recursively. Defaults to false.",
    }),
  ),
  environmentSlug: Type.String({ description: "EnvironmentSlug is the required slug identifier for the environment." }),
  projectSlug: Type.String({ description: "ProjectSlug is the required slug identifier for the project." }),
  expandSecretReferences: Type.Optional(
    Type.Boolean({
      default: true,
      description: "ExpandSecretReferences indicates whether secret references should be expanded. Defaults to true.",
    }),
  ),
});
export type InfisicalSecretsScope = Static<typeof InfisicalSecretsScopeSchema>;

export const InfisicalProviderSchema = Type.Object({
  auth: InfisicalAuthSchema,
  secretsScope: InfisicalSecretsScopeSchema,
  hostAPI: Type.Optional(
    Type.String({
      default: DEFAULT_INFISICAL_HOST_API,
      description: `HostAPI specifies the base URL of the Infisical API. Defaults to "${DEFAULT_INFISICAL_HOST_API}".`,
    }),
  ),
  caBundle: Type.Optional(
    Bytes({
      description: "PEM-encoded CA bundle for the Infisical server's TLS certificate. Exclusive with caProvider.",
    }),
  ),
  caProvider: Type.Optional(CAProviderSchema),
});
export type InfisicalProvider = Static<typeof InfisicalProviderSchema>;
