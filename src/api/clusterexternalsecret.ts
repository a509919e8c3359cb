/** ClusterExternalSecret: one ExternalSecret per selected namespace (v1 and v1beta1). */
import { type Static, Type } from "@sinclair/typebox";
import { LabelSelectorSchema } from "./common.js";
import { type ExternalSecretSpec, externalSecretSpecSchema } from "./externalsecret.js";
import { ConditionSchema, ObjectMetaSchema } from "./meta.js";
import { Duration, NamespaceName, ObjectName, StringMap } from "./schema.js";

export function clusterExternalSecretSpecSchema(version: "v1" | "v1beta1") {
  return Type.Object({
    externalSecretSpec: externalSecretSpecSchema(version),
    externalSecretName: Type.Optional(ObjectName({ description: "Defaults to the ClusterExternalSecret's name." })),
    externalSecretMetadata: Type.Optional(
      Type.Object({ annotations: Type.Optional(StringMap()), labels: Type.Optional(StringMap()) }),
    ),
    namespaceSelector: Type.Optional(LabelSelectorSchema),
    namespaceSelectors: Type.Optional(Type.Array(LabelSelectorSchema)),
    namespaces: Type.Optional(Type.Array(NamespaceName())),
    refreshTime: Type.Optional(Duration({ description: "How often namespaces are re-evaluated." })),
  });
}

export const ClusterExternalSecretStatusSchema = Type.Object({
  externalSecretName: Type.Optional(Type.String()),
  failedNamespaces: Type.Optional(
    Type.Array(Type.Object({ namespace: Type.String(), reason: Type.Optional(Type.String()) })),
  ),
  provisionedNamespaces: Type.Optional(Type.Array(Type.String())),
  conditions: Type.Optional(Type.Array(ConditionSchema)),
});
export type ClusterExternalSecretStatus = Static<typeof ClusterExternalSecretStatusSchema>;

export function clusterExternalSecretSchema(version: "v1" | "v1beta1") {
  return Type.Object({
    apiVersion: Type.Optional(Type.String()),
    kind: Type.Optional(Type.String()),
    metadata: Type.Optional(ObjectMetaSchema),
    spec: clusterExternalSecretSpecSchema(version),
    status: Type.Optional(ClusterExternalSecretStatusSchema),
  });
}
export const ClusterExternalSecretSchema = clusterExternalSecretSchema("v1");

type CESSpecStatic = Static<ReturnType<typeof clusterExternalSecretSpecSchema>>;
export type ClusterExternalSecretSpec = Omit<CESSpecStatic, "externalSecretSpec"> & {
  externalSecretSpec: ExternalSecretSpec;
};
export interface ClusterExternalSecret {
  apiVersion?: string;
  kind?: string;
  metadata?: Static<typeof ObjectMetaSchema>;
  spec: ClusterExternalSecretSpec;
  status?: ClusterExternalSecretStatus;
}
