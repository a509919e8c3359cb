/** Previder Secret Vault (upstream's `previder` provider block). */
import { type Static, Type } from "@sinclair/typebox";
import { SecretKeySelectorSchema } from "../common.js";

export const PreviderAuthSecretRefSchema = Type.Object({
  accessToken: SecretKeySelectorSchema,
});

export const PreviderAuthSchema = Type.Object({
  secretRef: Type.Optional(PreviderAuthSecretRefSchema),
});

export const PreviderProviderSchema = Type.Object({
  auth: PreviderAuthSchema,
  baseUri: Type.Optional(Type.String({ description: 'Vault API base URI; default "https://vault.previder.io".' })),
});
export type PreviderProvider = Static<typeof PreviderProviderSchema>;
