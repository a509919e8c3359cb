/**
 * ExternalSecret (external-secrets.io v1 and v1beta1). The two versions differ in rewrite.merge, dataFrom[].select
 * and syncWindows (all v1 only).
 */
import { type Static, Type } from "@sinclair/typebox";
import { ConditionSchema, ObjectMetaSchema, SecretStoreRefSchema } from "./meta.js";
import { DateTime, Duration, Nullable, ObjectName, SecretDataKey, StringEnum, StringMap } from "./schema.js";

export const CreationPolicyValues = ["Owner", "Orphan", "Merge", "None", "CreateOrMerge"] as const;
export const DeletionPolicyValues = ["Delete", "Merge", "Retain"] as const;
export const RefreshPolicyValues = ["CreatedOnce", "Periodic", "OnChange"] as const;
export const MetadataPolicyValues = ["None", "Fetch"] as const;
export const ConversionStrategyValues = ["Default", "Unicode"] as const;
export const DecodingStrategyValues = ["Auto", "Base64", "Base64URL", "None"] as const;
export const NullBytePolicyValues = ["Ignore", "Fail"] as const;
export const TemplateMergePolicyValues = ["Replace", "Merge"] as const;
export const TemplateEngineVersionValues = ["v2"] as const;
/** The templateFrom targets a Secret accepts (a generic target also takes a dot path). */
export const TemplateTargetValues = ["Data", "Annotations", "Labels"] as const;
export const TemplateScopeValues = ["Values", "KeysAndValues"] as const;
/**
 * As upstream's GeneratorRef kind enum (its order), with the kinds upstream added after that list was last extended
 * in our reference copy (GitlabDeployToken, BeyondtrustWorkloadCredentialsDynamicSecret, then the newer token and
 * value generators) at the end.
 */
export const GeneratorKindValues = [
  "ACRAccessToken",
  "ClusterGenerator",
  "CloudsmithAccessToken",
  "ECRAuthorizationToken",
  "Fake",
  "GCRAccessToken",
  "GithubAccessToken",
  "QuayAccessToken",
  "Password",
  "SSHKey",
  "STSSessionToken",
  "UUID",
  "VaultDynamicSecret",
  "Webhook",
  "Grafana",
  "MFA",
  "GitlabDeployToken",
  "BeyondtrustWorkloadCredentialsDynamicSecret",
  "AzureAccessToken",
  "ArtifactoryAccessToken",
  "Hex",
  "ServiceAccountToken",
  "CodeArtifactAuthorizationToken",
  "RDSIAMAuthToken",
  "STSAssumeRoleToken",
] as const;

export type CreationPolicy = (typeof CreationPolicyValues)[number];
export type DeletionPolicy = (typeof DeletionPolicyValues)[number];
export type RefreshPolicy = (typeof RefreshPolicyValues)[number];

export const GeneratorRefSchema = Type.Object({
  apiVersion: Type.Optional(Type.String({ default: "generators.external-secrets.io/v1alpha1" })),
  kind: StringEnum(GeneratorKindValues),
  name: ObjectName(),
});
export type GeneratorRef = Static<typeof GeneratorRefSchema>;

export const TemplateRefItemSchema = Type.Object({
  key: SecretDataKey(),
  templateAs: Type.Optional(StringEnum(TemplateScopeValues, { default: "Values" })),
});

export const TemplateRefSchema = Type.Object({
  name: ObjectName(),
  items: Type.Array(TemplateRefItemSchema),
});

export const TemplateFromSchema = Type.Object({
  configMap: Type.Optional(TemplateRefSchema),
  secret: Type.Optional(TemplateRefSchema),
  target: Type.Optional(
    Type.String({
      default: "Data",
      description:
        "Where the result goes. For a Secret: Data, Annotations or Labels. With spec.target.manifest also a dot path such as spec.database (upstream lower-cases it).",
    }),
  ),
  literal: Type.Optional(Type.String()),
  valuesDecodingStrategy: Type.Optional(
    StringEnum(DecodingStrategyValues, { description: "Decoding applied to each rendered value; None when omitted." }),
  ),
});
export type TemplateFrom = Static<typeof TemplateFromSchema>;

export const ExternalSecretTemplateSchema = Type.Object({
  type: Type.Optional(Type.String({ description: "Secret type, e.g. kubernetes.io/dockerconfigjson." })),
  engineVersion: Type.Optional(StringEnum(TemplateEngineVersionValues, { default: "v2" })),
  metadata: Type.Optional(
    Type.Object({
      annotations: Type.Optional(StringMap()),
      labels: Type.Optional(StringMap()),
      finalizers: Type.Optional(Type.Array(Type.String(), { description: "Finalizers set on the written target." })),
    }),
  ),
  mergePolicy: Type.Optional(StringEnum(TemplateMergePolicyValues, { default: "Replace" })),
  data: Type.Optional(StringMap({ description: "Secret keys to Go templates." })),
  templateFrom: Type.Optional(Type.Array(TemplateFromSchema)),
});
export type ExternalSecretTemplate = Static<typeof ExternalSecretTemplateSchema>;

/** target.manifest: write the result into an object of this kind instead of a Secret (upstream's generic targets). */
export const ManifestReferenceSchema = Type.Object({
  apiVersion: Type.String({ minLength: 1, description: "API version of the target, e.g. v1 or argoproj.io/v1alpha1." }),
  kind: Type.String({ minLength: 1, description: "Kind of the target, e.g. ConfigMap." }),
});
export type ManifestReference = Static<typeof ManifestReferenceSchema>;

export const ExternalSecretTargetSchema = Type.Object({
  name: Type.Optional(ObjectName({ description: "Name of the Secret; defaults to the ExternalSecret's name." })),
  creationPolicy: Type.Optional(StringEnum(CreationPolicyValues, { default: "Owner" })),
  deletionPolicy: Type.Optional(StringEnum(DeletionPolicyValues, { default: "Retain" })),
  template: Type.Optional(ExternalSecretTemplateSchema),
  immutable: Type.Optional(Type.Boolean()),
  manifest: Type.Optional(ManifestReferenceSchema),
  immediate: Type.Optional(
    Type.Boolean({
      description:
        "Not an upstream ESO field, and setting it changes nothing. Published guides to event-driven refresh put " +
        "it in their manifests, so it is accepted to let those manifests apply unchanged. Refresh on a store " +
        "notification needs no flag: every ExternalSecret that reads the notified key is re-synced.",
    }),
  ),
});
export type ExternalSecretTarget = Static<typeof ExternalSecretTargetSchema>;

/*
 * As ESO 2.9 (#6453, #6798): the strategy and policy fields carry no schema default, so the API server does not
 * write them into objects that omit them (GitOps tools saw that as drift). Omitted means the old default:
 * metadataPolicy None, conversionStrategy Default, decodingStrategy None, nullBytePolicy Ignore.
 */
export const RemoteRefSchema = Type.Object({
  key: Type.String({ description: "The key in the provider." }),
  metadataPolicy: Type.Optional(StringEnum(MetadataPolicyValues, { description: "None when omitted." })),
  property: Type.Optional(Type.String()),
  version: Type.Optional(Type.String()),
  conversionStrategy: Type.Optional(StringEnum(ConversionStrategyValues, { description: "Default when omitted." })),
  decodingStrategy: Type.Optional(StringEnum(DecodingStrategyValues, { description: "None when omitted." })),
  nullBytePolicy: Type.Optional(StringEnum(NullBytePolicyValues, { description: "Ignore when omitted." })),
});
export type ExternalSecretDataRemoteRef = Static<typeof RemoteRefSchema>;

/** data[].sourceRef: storeRef, or (deprecated, unimplemented upstream) generatorRef. */
export const StoreSourceRefSchema = Type.Object(
  {
    storeRef: Type.Optional(SecretStoreRefSchema),
    generatorRef: Type.Optional(GeneratorRefSchema),
  },
  { minProperties: 1, maxProperties: 1 },
);

export const StoreGeneratorSourceRefSchema = Type.Object(
  {
    storeRef: Type.Optional(SecretStoreRefSchema),
    generatorRef: Type.Optional(GeneratorRefSchema),
  },
  { minProperties: 1, maxProperties: 1 },
);
export type StoreGeneratorSourceRef = Static<typeof StoreGeneratorSourceRefSchema>;

export const ExternalSecretDataSchema = Type.Object({
  secretKey: SecretDataKey({ description: "The key in the Kubernetes Secret." }),
  remoteRef: RemoteRefSchema,
  sourceRef: Type.Optional(StoreSourceRefSchema),
});
export type ExternalSecretData = Static<typeof ExternalSecretDataSchema>;

export const ExternalSecretFindSchema = Type.Object({
  path: Type.Optional(Type.String()),
  name: Type.Optional(
    Type.Object({ regexp: Type.String({ description: "Regular expression (RE2) on the remote name." }) }),
  ),
  tags: Type.Optional(StringMap()),
  conversionStrategy: Type.Optional(StringEnum(ConversionStrategyValues, { description: "Default when omitted." })),
  decodingStrategy: Type.Optional(StringEnum(DecodingStrategyValues, { description: "None when omitted." })),
  nullBytePolicy: Type.Optional(
    StringEnum(NullBytePolicyValues, { description: "Fail: refuse found values that contain a NUL byte." }),
  ),
});
export type ExternalSecretFind = Static<typeof ExternalSecretFindSchema>;

export const RewriteRegexpSchema = Type.Object({ source: Type.String(), target: Type.String() });
export const RewriteTransformSchema = Type.Object({ template: Type.String() });
export const RewriteMergeSchema = Type.Object({
  into: Type.Optional(Type.String({ default: "" })),
  priority: Type.Optional(Type.Array(Type.String())),
  priorityPolicy: Type.Optional(StringEnum(["IgnoreNotFound", "Strict"] as const, { default: "Strict" })),
  conflictPolicy: Type.Optional(StringEnum(["Ignore", "Error"] as const, { default: "Error" })),
  strategy: Type.Optional(StringEnum(["Extract", "JSON"] as const, { default: "Extract" })),
});

function rewriteSchema<M extends boolean>(withMerge: M) {
  return Type.Object(
    {
      ...(withMerge ? { merge: Type.Optional(RewriteMergeSchema) } : {}),
      regexp: Type.Optional(RewriteRegexpSchema),
      transform: Type.Optional(RewriteTransformSchema),
    },
    { minProperties: 1, maxProperties: 1 },
  );
}
export const ExternalSecretRewriteSchema = rewriteSchema(true);
export const ExternalSecretRewriteV1beta1Schema = rewriteSchema(false);
export interface ExternalSecretRewrite {
  merge?: Static<typeof RewriteMergeSchema>;
  regexp?: Static<typeof RewriteRegexpSchema>;
  transform?: Static<typeof RewriteTransformSchema>;
}

export const SelectOperationValues = ["Include", "Exclude"] as const;
/** One dataFrom[].select rule (v1 only). Upstream's CEL rule (regexp or a non-empty names) is in validation.ts. */
export const ExternalSecretSelectSchema = Type.Object({
  regexp: Type.Optional(Type.String({ description: "Regular expression (RE2) on the key names." })),
  names: Type.Optional(Type.Array(Type.String(), { description: "Exact key names." })),
  operation: StringEnum(SelectOperationValues, {
    description: "Exclude drops the matched keys; Include keeps only them. Later rules never bring keys back.",
  }),
});
export type ExternalSecretSelect = Static<typeof ExternalSecretSelectSchema>;

function dataFromSchema(v1: boolean) {
  return Type.Object({
    extract: Type.Optional(RemoteRefSchema),
    find: Type.Optional(ExternalSecretFindSchema),
    rewrite: Type.Optional(Type.Array(v1 ? ExternalSecretRewriteSchema : ExternalSecretRewriteV1beta1Schema)),
    ...(v1 ? { select: Type.Optional(Type.Array(ExternalSecretSelectSchema)) } : {}),
    sourceRef: Type.Optional(StoreGeneratorSourceRefSchema),
  });
}
export interface ExternalSecretDataFrom {
  extract?: ExternalSecretDataRemoteRef;
  find?: ExternalSecretFind;
  rewrite?: ExternalSecretRewrite[];
  /** Applied after rewrite, in order, on the current key names. */
  select?: ExternalSecretSelect[];
  sourceRef?: StoreGeneratorSourceRef;
}

export const SyncWindowKindValues = ["allow", "deny"] as const;
/** Cron (5 fields, @-shorthand or "@every <duration>"), as upstream's validation pattern. */
export const SYNC_WINDOW_SCHEDULE_PATTERN =
  "^(@(annually|yearly|monthly|weekly|daily|midnight|hourly)|@every [^\\s]+.*|[^\\s]+( [^\\s]+){4})$";
export const SyncWindowEntrySchema = Type.Object({
  schedule: Type.String({
    minLength: 1,
    pattern: SYNC_WINDOW_SCHEDULE_PATTERN,
    description: 'Cron expression (UTC) opening each window, e.g. "0 22 * * 1-5", or @daily, @every 1h.',
  }),
  duration: Duration({ description: 'How long each window stays open, e.g. "8h".' }),
});
export const SyncWindowsSchema = Type.Object({
  kind: StringEnum(SyncWindowKindValues, {
    description: "allow: periodic refreshes only inside a window; deny: none inside any window.",
  }),
  windows: Type.Array(SyncWindowEntrySchema, { minItems: 1 }),
});
export type SyncWindows = Static<typeof SyncWindowsSchema>;

export function externalSecretSpecSchema(version: "v1" | "v1beta1") {
  return Type.Object({
    secretStoreRef: Type.Optional(SecretStoreRefSchema),
    target: Type.Optional(ExternalSecretTargetSchema),
    refreshPolicy: Type.Optional(StringEnum(RefreshPolicyValues)),
    refreshInterval: Type.Optional(
      Duration({ default: "1h", description: 'Go duration between syncs, e.g. "1h", "2h30m"; "0" syncs once.' }),
    ),
    ...(version === "v1" ? { syncWindows: Type.Optional(SyncWindowsSchema) } : {}),
    data: Type.Optional(Type.Array(ExternalSecretDataSchema)),
    dataFrom: Type.Optional(Type.Array(dataFromSchema(version === "v1"))),
  });
}
export const ExternalSecretSpecSchema = externalSecretSpecSchema("v1");
export interface ExternalSecretSpec {
  secretStoreRef?: Static<typeof SecretStoreRefSchema>;
  target?: ExternalSecretTarget;
  refreshPolicy?: RefreshPolicy;
  refreshInterval?: string;
  syncWindows?: SyncWindows;
  data?: ExternalSecretData[];
  dataFrom?: ExternalSecretDataFrom[];
}

export const ExternalSecretStatusSchema = Type.Object({
  refreshTime: Type.Optional(Nullable(DateTime())),
  syncedResourceVersion: Type.Optional(Type.String()),
  conditions: Type.Optional(Type.Array(ConditionSchema)),
  binding: Type.Optional(Type.Object({ name: Type.Optional(Type.String()) })),
});
export type ExternalSecretStatus = Static<typeof ExternalSecretStatusSchema>;

export function externalSecretSchema(version: "v1" | "v1beta1") {
  return Type.Object({
    apiVersion: Type.Optional(Type.String()),
    kind: Type.Optional(Type.String()),
    metadata: Type.Optional(ObjectMetaSchema),
    spec: externalSecretSpecSchema(version),
    status: Type.Optional(ExternalSecretStatusSchema),
  });
}
export const ExternalSecretSchema = externalSecretSchema("v1");
export interface ExternalSecret {
  apiVersion?: string;
  kind?: string;
  metadata?: Static<typeof ObjectMetaSchema>;
  spec: ExternalSecretSpec;
  status?: ExternalSecretStatus;
}
