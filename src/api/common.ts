/** Selectors and references shared by stores, providers and generators (ESO's apis/meta/v1 and friends). */
import { type Static, Type } from "@sinclair/typebox";
/** Marks schemas that reference another object by name (and maybe namespace). */
export const SELECTOR = "x-eso-selector";

import { NamespaceName, ObjectName, SecretDataKey, StringEnum, StringMap } from "./schema.js";

/** A key inside a Secret. `key` is sometimes defaulted by the consumer, sometimes required. */
export const SecretKeySelectorSchema = Type.Object(
  {
    name: ObjectName({ description: "The name of the Secret resource being referred to." }),
    namespace: Type.Optional(
      NamespaceName({
        description:
          "The namespace of the Secret. Ignored for namespaced referents; defaults to the referent's namespace.",
      }),
    ),
    key: Type.Optional(SecretDataKey({ description: "A key in the referenced Secret." })),
  },
  { [SELECTOR]: true },
);
export type SecretKeySelector = Static<typeof SecretKeySelectorSchema>;

export const ServiceAccountSelectorSchema = Type.Object(
  {
    name: ObjectName({ description: "The name of the ServiceAccount resource being referred to." }),
    namespace: Type.Optional(NamespaceName()),
    audiences: Type.Optional(
      Type.Array(Type.String(), { description: "Audiences (`aud` claim) for the requested service account token." }),
    ),
  },
  { [SELECTOR]: true },
);
export type ServiceAccountSelector = Static<typeof ServiceAccountSelectorSchema>;

export const CAProviderTypeValues = ["Secret", "ConfigMap"] as const;

/** Where to read a CA bundle from. */
export const CAProviderSchema = Type.Object(
  {
    type: StringEnum(CAProviderTypeValues, {
      description: 'The type of provider to use such as "Secret", or "ConfigMap".',
    }),
    name: ObjectName({ description: "The name of the object located at the provider type." }),
    key: Type.Optional(SecretDataKey({ description: "The key where the CA certificate can be found." })),
    namespace: Type.Optional(
      NamespaceName({ description: "The namespace the Provider type is in. Required for ClusterSecretStore." }),
    ),
  },
  { [SELECTOR]: true },
);
export type CAProvider = Static<typeof CAProviderSchema>;

/** Reference to a namespaced object by name only. */
export const LocalObjectReferenceSchema = Type.Object({ name: ObjectName() });
export type LocalObjectReference = Static<typeof LocalObjectReferenceSchema>;

/** metav1.LabelSelector. */
export const LabelSelectorRequirementSchema = Type.Object({
  key: Type.String(),
  operator: Type.String({ description: "In, NotIn, Exists or DoesNotExist." }),
  values: Type.Optional(Type.Array(Type.String(), { "x-kubernetes-list-type": "atomic" })),
});
/** Atomic as upstream's (metav1.LabelSelector): server-side apply replaces a selector whole, never merges two. */
export const LabelSelectorSchema = Type.Object(
  {
    matchLabels: Type.Optional(StringMap()),
    matchExpressions: Type.Optional(Type.Array(LabelSelectorRequirementSchema, { "x-kubernetes-list-type": "atomic" })),
  },
  { "x-kubernetes-map-type": "atomic" },
);
export type LabelSelector = Static<typeof LabelSelectorSchema>;
