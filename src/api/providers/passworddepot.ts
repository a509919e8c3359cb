/** Password Depot server (upstream's `passworddepot` provider block). */
import { type Static, Type } from "@sinclair/typebox";
import { SecretKeySelectorSchema } from "../common.js";

export const PasswordDepotSecretRefSchema = Type.Object({
  credentials: Type.Optional(SecretKeySelectorSchema),
});

export const PasswordDepotAuthSchema = Type.Object({
  secretRef: PasswordDepotSecretRefSchema,
});

export const PasswordDepotProviderSchema = Type.Object({
  host: Type.String({ description: "URL configures the Password Depot instance URL." }),
  database: Type.String({ description: "Database to use as source" }),
  auth: PasswordDepotAuthSchema,
});
export type PasswordDepotProvider = Static<typeof PasswordDepotProviderSchema>;
