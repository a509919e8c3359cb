import { type Static, Type } from "@sinclair/typebox";
import { CAProviderSchema, SecretKeySelectorSchema, ServiceAccountSelectorSchema } from "../common.js";
import { Bytes, StringEnum } from "../schema.js";

export const OpenBaoKVVersionValues = ["v1", "v2"] as const;

/** auth.appRole: exactly one of roleId or roleRef (checked by validate, as upstream's CEL rule). */
export const OpenBaoAppRoleSchema = Type.Object({
  path: Type.String({ default: "approle", description: "Where the AppRole auth method is mounted." }),
  roleId: Type.Optional(Type.String({ minLength: 1 })),
  roleRef: Type.Optional(SecretKeySelectorSchema),
  secretRef: SecretKeySelectorSchema,
});

/** auth.kubernetes: exactly one of serviceAccountRef or secretRef; the controller's own token is never used. */
export const OpenBaoKubernetesAuthSchema = Type.Object({
  path: Type.String({ default: "kubernetes", description: "Where the Kubernetes auth method is mounted." }),
  serviceAccountRef: Type.Optional(ServiceAccountSelectorSchema),
  secretRef: Type.Optional(SecretKeySelectorSchema),
  role: Type.String({ minLength: 1 }),
});

export const OpenBaoUserPassAuthSchema = Type.Object({
  path: Type.String({ default: "userpass", description: "Where the userpass auth method is mounted." }),
  username: Type.String(),
  secretRef: Type.Optional(SecretKeySelectorSchema),
});

/** Exactly one of appRole, tokenSecretRef, userPass or kubernetes. */
export const OpenBaoAuthSchema = Type.Object({
  appRole: Type.Optional(OpenBaoAppRoleSchema),
  kubernetes: Type.Optional(OpenBaoKubernetesAuthSchema),
  namespace: Type.Optional(Type.String({ description: "OpenBao namespace to log in to (default: namespace)." })),
  tokenSecretRef: Type.Optional(SecretKeySelectorSchema),
  userPass: Type.Optional(OpenBaoUserPassAuthSchema),
});

/** At most one of caBundle or caProvider. */
export const OpenBaoProviderSchema = Type.Object({
  auth: Type.Optional(OpenBaoAuthSchema),
  caBundle: Type.Optional(Bytes()),
  caProvider: Type.Optional(CAProviderSchema),
  namespace: Type.Optional(Type.String({ description: "OpenBao namespace of the secrets, e.g. ns1." })),
  server: Type.String({ description: "Address of the OpenBao server, e.g. https://openbao.example.com:8200." }),
  path: Type.Optional(Type.String({ description: 'Mount path of the KV engine, e.g. "secret".' })),
  version: Type.Optional(StringEnum(OpenBaoKVVersionValues, { default: "v2" })),
});
export type OpenBaoProvider = Static<typeof OpenBaoProviderSchema>;
export type OpenBaoAuth = Static<typeof OpenBaoAuthSchema>;
