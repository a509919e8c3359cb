/** SecretStore and ClusterSecretStore (external-secrets.io v1 and v1beta1; same schema in both). */
import { type Static, Type } from "@sinclair/typebox";
import { LabelSelectorSchema } from "./common.js";
import { ConditionSchema, ObjectMetaSchema } from "./meta.js";
import { SecretStoreProviderSchema, SecretStoreProviderV1beta1Schema } from "./providers/index.js";
import { NamespaceName, StringEnum } from "./schema.js";

export const CapabilitiesValues = ["ReadOnly", "WriteOnly", "ReadWrite"] as const;

export const ClusterSecretStoreConditionSchema = Type.Object({
  namespaceSelector: Type.Optional(LabelSelectorSchema),
  namespaces: Type.Optional(Type.Array(NamespaceName())),
  namespaceRegexes: Type.Optional(Type.Array(Type.String())),
});
export type ClusterSecretStoreCondition = Static<typeof ClusterSecretStoreConditionSchema>;

export const SecretStoreRetrySettingsSchema = Type.Object({
  maxRetries: Type.Optional(Type.Integer({ format: "int32" })),
  retryInterval: Type.Optional(Type.String({ description: "Go duration between retries." })),
});

export function secretStoreSpecSchema(version: "v1" | "v1beta1") {
  return Type.Object({
    controller: Type.Optional(Type.String({ description: "Selects the ESO controller instance (its class)." })),
    provider: version === "v1" ? SecretStoreProviderSchema : SecretStoreProviderV1beta1Schema,
    retrySettings: Type.Optional(SecretStoreRetrySettingsSchema),
    refreshInterval: Type.Optional(
      Type.Integer({ description: "Store re-validation interval in seconds; 0 uses the controller default." }),
    ),
    conditions: Type.Optional(
      Type.Array(ClusterSecretStoreConditionSchema, { description: "ClusterSecretStore only: allowed namespaces." }),
    ),
  });
}
export const SecretStoreSpecSchema = secretStoreSpecSchema("v1");
export type SecretStoreSpec = Static<typeof SecretStoreSpecSchema>;

export const SecretStoreStatusSchema = Type.Object({
  conditions: Type.Optional(Type.Array(ConditionSchema)),
  capabilities: Type.Optional(StringEnum(CapabilitiesValues)),
});
export type SecretStoreStatus = Static<typeof SecretStoreStatusSchema>;

export function secretStoreSchema(version: "v1" | "v1beta1") {
  return Type.Object({
    apiVersion: Type.Optional(Type.String()),
    kind: Type.Optional(Type.String()),
    metadata: Type.Optional(ObjectMetaSchema),
    spec: secretStoreSpecSchema(version),
    status: Type.Optional(SecretStoreStatusSchema),
  });
}
export const SecretStoreSchema = secretStoreSchema("v1");
export type SecretStore = Static<typeof SecretStoreSchema>;
export type ClusterSecretStore = SecretStore;
export const ClusterSecretStoreSchema = SecretStoreSchema;
