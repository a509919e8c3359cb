/** PushSecret and ClusterPushSecret (external-secrets.io v1alpha1). */
import { type Static, Type } from "@sinclair/typebox";
import { LabelSelectorSchema } from "./common.js";
import {
  ExternalSecretTemplateSchema,
  GeneratorRefSchema,
  RewriteRegexpSchema,
  RewriteTransformSchema,
} from "./externalsecret.js";
import { ConditionSchema, ObjectMetaSchema, StoreKindValues } from "./meta.js";
import { DateTime, Duration, FreeForm, Nullable, ObjectName, StringEnum, StringMap } from "./schema.js";

export const PushSecretUpdatePolicyValues = ["Replace", "IfNotExists"] as const;
export const PushSecretDeletionPolicyValues = ["Delete", "None"] as const;
export const PushSecretConversionStrategyValues = ["None", "ReverseUnicode"] as const;

export const PushSecretStoreRefSchema = Type.Object({
  name: Type.Optional(ObjectName()),
  labelSelector: Type.Optional(LabelSelectorSchema),
  kind: Type.Optional(StringEnum(StoreKindValues, { default: "SecretStore" })),
});
export type PushSecretStoreRef = Static<typeof PushSecretStoreRefSchema>;

/** Exactly one of secret or generatorRef. */
export const PushSecretSelectorSchema = Type.Object(
  {
    secret: Type.Optional(
      Type.Object({
        name: Type.Optional(ObjectName()),
        selector: Type.Optional(LabelSelectorSchema),
      }),
    ),
    generatorRef: Type.Optional(GeneratorRefSchema),
  },
  { minProperties: 1, maxProperties: 1 },
);

export const PushSecretRemoteRefSchema = Type.Object({
  remoteKey: Type.String({ description: "Name of the secret in the provider." }),
  property: Type.Optional(Type.String()),
});

export const PushSecretDataSchema = Type.Object({
  match: Type.Object({
    secretKey: Type.Optional(Type.String({ description: "Key to push; absent pushes the whole Secret." })),
    remoteRef: PushSecretRemoteRefSchema,
  }),
  metadata: Type.Optional(FreeForm({ description: "Provider-specific metadata." })),
  conversionStrategy: Type.Optional(StringEnum(PushSecretConversionStrategyValues, { default: "None" })),
});
export type PushSecretDataEntry = Static<typeof PushSecretDataSchema>;

export const PushSecretDataToSchema = Type.Object({
  storeRef: Type.Optional(PushSecretStoreRefSchema),
  remoteKey: Type.Optional(
    Type.String({
      description:
        "Push every matched (and rewritten) key to this one provider secret as a single object; " +
        "unset pushes each key as its own secret.",
    }),
  ),
  match: Type.Optional(Type.Object({ regexp: Type.Optional(Type.String()) })),
  rewrite: Type.Optional(
    Type.Array(
      Type.Object({
        regexp: Type.Optional(RewriteRegexpSchema),
        transform: Type.Optional(RewriteTransformSchema),
      }),
    ),
  ),
  metadata: Type.Optional(FreeForm()),
  conversionStrategy: Type.Optional(StringEnum(PushSecretConversionStrategyValues, { default: "None" })),
});
export type PushSecretDataTo = Static<typeof PushSecretDataToSchema>;

export const PushSecretSpecSchema = Type.Object({
  refreshInterval: Type.Optional(Duration({ default: "1h0m0s" })),
  secretStoreRefs: Type.Array(PushSecretStoreRefSchema),
  updatePolicy: Type.Optional(StringEnum(PushSecretUpdatePolicyValues, { default: "Replace" })),
  deletionPolicy: Type.Optional(StringEnum(PushSecretDeletionPolicyValues, { default: "None" })),
  selector: PushSecretSelectorSchema,
  data: Type.Optional(Type.Array(PushSecretDataSchema)),
  dataTo: Type.Optional(Type.Array(PushSecretDataToSchema)),
  template: Type.Optional(ExternalSecretTemplateSchema),
});
export type PushSecretSpec = Static<typeof PushSecretSpecSchema>;

export const PushSecretStatusSchema = Type.Object({
  refreshTime: Type.Optional(Nullable(DateTime())),
  syncedResourceVersion: Type.Optional(Type.String()),
  syncedPushSecrets: Type.Optional(
    Type.Record(Type.String(), Type.Record(Type.String(), PushSecretDataSchema), {
      description: "Store name to remote key to the data pushed there.",
    }),
  ),
  conditions: Type.Optional(Type.Array(ConditionSchema)),
});
export type PushSecretStatus = Static<typeof PushSecretStatusSchema>;

export const PushSecretSchema = Type.Object({
  apiVersion: Type.Optional(Type.String()),
  kind: Type.Optional(Type.String()),
  metadata: Type.Optional(ObjectMetaSchema),
  spec: PushSecretSpecSchema,
  status: Type.Optional(PushSecretStatusSchema),
});
export type PushSecret = Static<typeof PushSecretSchema>;

export const ClusterPushSecretSpecSchema = Type.Object({
  pushSecretSpec: PushSecretSpecSchema,
  refreshTime: Type.Optional(Duration()),
  pushSecretName: Type.Optional(ObjectName()),
  pushSecretMetadata: Type.Optional(
    Type.Object({ annotations: Type.Optional(StringMap()), labels: Type.Optional(StringMap()) }),
  ),
  namespaceSelectors: Type.Optional(Type.Array(LabelSelectorSchema)),
});
export type ClusterPushSecretSpec = Static<typeof ClusterPushSecretSpecSchema>;

export const ClusterPushSecretStatusSchema = Type.Object({
  failedNamespaces: Type.Optional(
    Type.Array(Type.Object({ namespace: Type.String(), reason: Type.Optional(Type.String()) })),
  ),
  provisionedNamespaces: Type.Optional(Type.Array(Type.String())),
  pushSecretName: Type.Optional(Type.String()),
  conditions: Type.Optional(Type.Array(ConditionSchema)),
});

export const ClusterPushSecretSchema = Type.Object({
  apiVersion: Type.Optional(Type.String()),
  kind: Type.Optional(Type.String()),
  metadata: Type.Optional(ObjectMetaSchema),
  spec: ClusterPushSecretSpecSchema,
  status: Type.Optional(ClusterPushSecretStatusSchema),
});
export type ClusterPushSecret = Static<typeof ClusterPushSecretSchema>;
