/** SecretStore and ClusterSecretStore (external-secrets.io v1 and v1beta1; same schema in both). */
import { Kind, type Static, Type, TypeRegistry } from "@sinclair/typebox";
import { LabelSelectorSchema } from "./common.js";
import { parseDuration } from "./duration.js";
import { ConditionSchema, ObjectMetaSchema } from "./meta.js";
import { SecretStoreProviderSchema, SecretStoreProviderV1beta1Schema } from "./providers/index.js";
import { NamespaceName } from "./schema.js";

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

if (!TypeRegistry.Has("IntOrString")) {
  TypeRegistry.Set("IntOrString", (_schema, value) => typeof value === "string" || Number.isInteger(value));
}

/** An integer or a string (Kubernetes' x-kubernetes-int-or-string), as upstream's intstr.IntOrString. */
function IntOrString(options: { description?: string } = {}) {
  return Type.Unsafe<number | string>({ ...options, "x-kubernetes-int-or-string": true, [Kind]: "IntOrString" });
}

/**
 * spec.refreshInterval in ms, as upstream reads it: an integer is seconds (the legacy form), a string a Go
 * duration ("5m", "1h"). Unset, 0, negative or unparsable: undefined (the controller's default applies).
 */
export function storeRefreshIntervalMs(spec: { refreshInterval?: number | string } | undefined): number | undefined {
  const value = spec?.refreshInterval;
  let ms: number | undefined;
  if (typeof value === "number") ms = value * 1000;
  else if (typeof value === "string" && value !== "") {
    try {
      ms = /^\d+$/.test(value) ? Number(value) * 1000 : parseDuration(value);
    } catch {
      ms = undefined;
    }
  }
  return ms !== undefined && Number.isFinite(ms) && ms > 0 ? ms : undefined;
}

export function secretStoreSpecSchema(version: "v1" | "v1beta1") {
  return Type.Object({
    controller: Type.Optional(Type.String({ description: "Selects the ESO controller instance (its class)." })),
    provider: version === "v1" ? SecretStoreProviderSchema : SecretStoreProviderV1beta1Schema,
    retrySettings: Type.Optional(SecretStoreRetrySettingsSchema),
    refreshInterval: Type.Optional(
      IntOrString({
        description:
          'Store re-validation interval: integer seconds, or a Go duration such as "5m"; empty or 0 uses the controller default.',
      }),
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
  // A plain string upstream (no enum): the values this controller writes are CapabilitiesValues.
  capabilities: Type.Optional(Type.String({ description: "ReadOnly, WriteOnly or ReadWrite." })),
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
