/** Kubernetes object metadata and status conditions, as far as this API needs them. */
import { type Static, Type } from "@sinclair/typebox";
import { DateTime, StringEnum, StringMap } from "./schema.js";

export const OwnerReferenceSchema = Type.Object({
  apiVersion: Type.String(),
  kind: Type.String(),
  name: Type.String(),
  uid: Type.String(),
  controller: Type.Optional(Type.Boolean()),
  blockOwnerDeletion: Type.Optional(Type.Boolean()),
});
export type OwnerReference = Static<typeof OwnerReferenceSchema>;

/**
 * metav1.ObjectMeta (the fields controllers read or write). In CRDs, metadata is emitted as a bare
 * `type: object`: the API server validates it itself.
 */
export const ObjectMetaSchema = Type.Object({
  name: Type.Optional(Type.String()),
  generateName: Type.Optional(Type.String()),
  namespace: Type.Optional(Type.String()),
  uid: Type.Optional(Type.String()),
  resourceVersion: Type.Optional(Type.String()),
  generation: Type.Optional(Type.Integer()),
  creationTimestamp: Type.Optional(Type.String()),
  deletionTimestamp: Type.Optional(Type.String()),
  labels: Type.Optional(StringMap()),
  annotations: Type.Optional(StringMap()),
  finalizers: Type.Optional(Type.Array(Type.String())),
  ownerReferences: Type.Optional(Type.Array(OwnerReferenceSchema)),
});
export type ObjectMeta = Static<typeof ObjectMetaSchema>;

export const ConditionStatusValues = ["True", "False", "Unknown"] as const;
export type ConditionStatus = (typeof ConditionStatusValues)[number];

/** The condition shape shared by every ESO kind's status. */
export const ConditionSchema = Type.Object({
  type: Type.String(),
  status: Type.String({ description: "True, False or Unknown." }),
  reason: Type.Optional(Type.String()),
  message: Type.Optional(Type.String()),
  lastTransitionTime: Type.Optional(DateTime()),
});
export interface Condition {
  type: string;
  status: ConditionStatus | string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

export const StoreKindValues = ["SecretStore", "ClusterSecretStore"] as const;
export type StoreKind = (typeof StoreKindValues)[number];

export const SecretStoreRefSchema = Type.Object({
  name: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 253,
      pattern: "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$",
      description: "Name of the SecretStore resource.",
    }),
  ),
  kind: Type.Optional(
    StringEnum(StoreKindValues, {
      description: "SecretStore (default) or ClusterSecretStore.",
      default: "SecretStore",
    }),
  ),
});
export type SecretStoreRef = Static<typeof SecretStoreRefSchema>;
