import { type Static, Type } from "@sinclair/typebox";
import { SecretKeySelectorSchema, ServiceAccountSelectorSchema } from "../common.js";
import { NamespaceName } from "../schema.js";
import { KubernetesAuthSchema, KubernetesServerSchema } from "./kubernetes.js";

export const CRDProviderResourceSchema = Type.Object({
  group: Type.String({ description: 'API group of the resource; "" for core resources such as ConfigMap.' }),
  version: Type.String({ minLength: 1, description: 'API version of the resource (e.g. "v1alpha1").' }),
  kind: Type.String({ minLength: 1, description: 'Kind of the resource (e.g. "Widget").' }),
});

export const CRDProviderWhitelistRuleSchema = Type.Object({
  name: Type.Optional(Type.String({ description: "Regular expression matched against the bare object name." })),
  namespace: Type.Optional(
    Type.String({ description: "Regular expression matched against the object's namespace (ClusterSecretStore)." }),
  ),
  properties: Type.Optional(
    Type.Array(Type.String(), { description: "Regular expressions matched against the requested property." }),
  ),
});

export const CRDProviderWhitelistSchema = Type.Object({
  rules: Type.Optional(Type.Array(CRDProviderWhitelistRuleSchema)),
});

/**
 * Reads arbitrary Kubernetes resources (never Secrets). Simple mode: serviceAccountRef only, the local cluster
 * with that ServiceAccount's token. Explicit mode: server + auth (or authRef) as the kubernetes provider, with
 * serviceAccountRef as an optional identity to impersonate.
 */
export const CRDProviderSchema = Type.Object({
  serviceAccountRef: Type.Optional(ServiceAccountSelectorSchema),
  server: Type.Optional(KubernetesServerSchema),
  auth: Type.Optional(KubernetesAuthSchema),
  authRef: Type.Optional(SecretKeySelectorSchema),
  remoteNamespace: Type.Optional(
    NamespaceName({
      description: "Default namespace of namespaced reads (SecretStore); limits find (ClusterSecretStore).",
    }),
  ),
  resource: CRDProviderResourceSchema,
  whitelist: Type.Optional(CRDProviderWhitelistSchema),
});
export type CRDProvider = Static<typeof CRDProviderSchema>;
export type CRDProviderWhitelistRule = Static<typeof CRDProviderWhitelistRuleSchema>;
