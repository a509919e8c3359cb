import { type Static, Type } from "@sinclair/typebox";
import { CAProviderSchema, SecretKeySelectorSchema, ServiceAccountSelectorSchema } from "../common.js";
import { Bytes } from "../schema.js";

/** accessTypeParam: api_key: the access key; k8s: the gateway's auth config name; gcp: the audience; azure_ad: an object id. */
export const AkeylessAuthSecretRefSchema = Type.Object({
  accessID: Type.Optional(SecretKeySelectorSchema),
  accessType: Type.Optional(SecretKeySelectorSchema),
  accessTypeParam: Type.Optional(SecretKeySelectorSchema),
});

export const AkeylessKubernetesAuthSchema = Type.Object({
  accessID: Type.String({ description: "The Akeyless Kubernetes auth-method access-id." }),
  k8sConfName: Type.String({ description: "Kubernetes-auth configuration name in the Akeyless Gateway." }),
  serviceAccountRef: Type.Optional(ServiceAccountSelectorSchema),
  secretRef: Type.Optional(SecretKeySelectorSchema),
});

export const AkeylessAuthSchema = Type.Object({
  secretRef: Type.Optional(AkeylessAuthSecretRefSchema),
  kubernetesAuth: Type.Optional(AkeylessKubernetesAuthSchema),
});
export type AkeylessAuth = Static<typeof AkeylessAuthSchema>;

export const AkeylessProviderSchema = Type.Object({
  akeylessGWApiURL: Type.String({ description: "Akeyless Gateway API URL." }),
  authSecretRef: AkeylessAuthSchema,
  caBundle: Type.Optional(Bytes()),
  caProvider: Type.Optional(CAProviderSchema),
  ignoreCache: Type.Optional(
    Type.Boolean({
      description:
        "Read secret values past the Akeyless Gateway's cache, from Akeyless SaaS, on every sync (the API's ignore-cache).",
    }),
  ),
});
export type AkeylessProvider = Static<typeof AkeylessProviderSchema>;
