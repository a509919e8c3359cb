import { type Static, Type } from "@sinclair/typebox";
import { SecretKeySelectorSchema } from "../common.js";

export const OnePasswordAuthSchema = Type.Object({
  secretRef: Type.Object({ connectTokenSecretRef: SecretKeySelectorSchema }),
});

export const OnePasswordProviderSchema = Type.Object({
  auth: OnePasswordAuthSchema,
  connectHost: Type.String({ description: "The 1Password Connect server URL." }),
  vaults: Type.Record(Type.String(), Type.Integer(), {
    description: "Vaults to search, by name, with their search order (lower first).",
  }),
});
export type OnePasswordProvider = Static<typeof OnePasswordProviderSchema>;
