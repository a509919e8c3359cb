import { type Static, Type } from "@sinclair/typebox";
import { SecretKeySelectorSchema, ServiceAccountSelectorSchema } from "../common.js";
import { Duration, StringEnum } from "../schema.js";

export const OraclePrincipalTypeValues = ["", "UserPrincipal", "InstancePrincipal", "Workload"] as const;

export const OracleAuthSchema = Type.Object({
  tenancy: Type.String({ description: "The tenancy OCID where the user is located." }),
  user: Type.String({ description: "The user OCID." }),
  secretRef: Type.Object({
    privatekey: SecretKeySelectorSchema,
    fingerprint: SecretKeySelectorSchema,
  }),
});

export const OracleProviderSchema = Type.Object({
  region: Type.String({ description: "The region where the vault is located." }),
  vault: Type.String({ description: "The OCID of the vault where the secrets are." }),
  compartment: Type.Optional(Type.String({ description: "The vault compartment OCID. Required for PushSecret." })),
  encryptionKey: Type.Optional(
    Type.String({ description: "The OCID of the encryption key within the vault. Required for PushSecret." }),
  ),
  principalType: Type.Optional(
    StringEnum(OraclePrincipalTypeValues, {
      description:
        "The principal to authenticate as; blank lets auth decide (user principal when set, else instance principal).",
    }),
  ),
  auth: Type.Optional(OracleAuthSchema),
  serviceAccountRef: Type.Optional(ServiceAccountSelectorSchema),
  deletionGracePeriod: Type.Optional(
    Duration({ description: "How long OCI waits before deleting a secret a PushSecret removed (24h to 720h)." }),
  ),
});
export type OracleProvider = Static<typeof OracleProviderSchema>;
