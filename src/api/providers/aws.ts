import { type Static, Type } from "@sinclair/typebox";
import { SecretKeySelectorSchema, ServiceAccountSelectorSchema } from "../common.js";
import { StringEnum, StringMap } from "../schema.js";

export const AWSAuthSecretRefSchema = Type.Object({
  accessKeyIDSecretRef: Type.Optional(SecretKeySelectorSchema),
  secretAccessKeySecretRef: Type.Optional(SecretKeySelectorSchema),
  sessionTokenSecretRef: Type.Optional(SecretKeySelectorSchema),
});
export type AWSAuthSecretRef = Static<typeof AWSAuthSecretRefSchema>;

export const AWSJWTAuthSchema = Type.Object({
  serviceAccountRef: Type.Optional(ServiceAccountSelectorSchema),
});

/** Only one of secretRef or jwt; neither means the SDK's default credential chain. */
export const AWSAuthSchema = Type.Object({
  secretRef: Type.Optional(AWSAuthSecretRefSchema),
  jwt: Type.Optional(AWSJWTAuthSchema),
});
export type AWSAuth = Static<typeof AWSAuthSchema>;

export const AWSServiceValues = ["SecretsManager", "ParameterStore", "CertificateManager"] as const;
export type AWSService = (typeof AWSServiceValues)[number];

export const AWSSessionTagsPolicyValues = ["None", "Simple", "Custom"] as const;

export const AWSTagSchema = Type.Object({ key: Type.String(), value: Type.String() });

export const AWSProviderSchema = Type.Object({
  service: StringEnum(AWSServiceValues, { description: "Which AWS service holds the secrets." }),
  auth: Type.Optional(AWSAuthSchema),
  role: Type.Optional(Type.String({ description: "Role ARN the provider assumes." })),
  region: Type.String(),
  additionalRoles: Type.Optional(Type.Array(Type.String())),
  externalID: Type.Optional(Type.String()),
  sessionTags: Type.Optional(Type.Array(AWSTagSchema)),
  secretsManager: Type.Optional(
    Type.Object({
      forceDeleteWithoutRecovery: Type.Optional(Type.Boolean()),
      recoveryWindowInDays: Type.Optional(Type.Integer({ format: "int64" })),
    }),
  ),
  transitiveTagKeys: Type.Optional(Type.Array(Type.String())),
  sessionTagsPolicy: Type.Optional(
    StringEnum(AWSSessionTagsPolicyValues, {
      default: "None",
      description:
        "Session tags added when assuming `role`: None; Simple adds esoNamespace, esoStoreName and esoStoreKind; Custom adds those and customSessionTags.",
    }),
  ),
  customSessionTags: Type.Optional(
    StringMap({ description: "Extra session tags when sessionTagsPolicy is Custom (the built-in tags win)." }),
  ),
  prefix: Type.Optional(Type.String({ description: "Prefix added to every remote key." })),
});
export type AWSProvider = Static<typeof AWSProviderSchema>;
