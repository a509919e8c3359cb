import { type Static, Type } from "@sinclair/typebox";
import { CAProviderSchema, SecretKeySelectorSchema, ServiceAccountSelectorSchema } from "../common.js";
import { Bytes, NamespaceName } from "../schema.js";

export const KubernetesServerSchema = Type.Object({
  url: Type.Optional(Type.String({ default: "kubernetes.default", description: "The Kubernetes API server address." })),
  caBundle: Type.Optional(Bytes({ description: "Base64-encoded CA certificate." })),
  caProvider: Type.Optional(CAProviderSchema),
});

/** Exactly one of cert, token, serviceAccount. */
export const KubernetesAuthSchema = Type.Object(
  {
    cert: Type.Optional(
      Type.Object({
        clientCert: Type.Optional(SecretKeySelectorSchema),
        clientKey: Type.Optional(SecretKeySelectorSchema),
      }),
    ),
    token: Type.Optional(Type.Object({ bearerToken: Type.Optional(SecretKeySelectorSchema) })),
    serviceAccount: Type.Optional(ServiceAccountSelectorSchema),
  },
  { minProperties: 1, maxProperties: 1 },
);
export type KubernetesAuth = Static<typeof KubernetesAuthSchema>;

export const KubernetesProviderSchema = Type.Object({
  server: Type.Optional(KubernetesServerSchema),
  auth: Type.Optional(KubernetesAuthSchema),
  authRef: Type.Optional(SecretKeySelectorSchema),
  remoteNamespace: Type.Optional(
    NamespaceName({ default: "default", description: "Remote namespace to fetch the secrets from." }),
  ),
});
export type KubernetesProvider = Static<typeof KubernetesProviderSchema>;
