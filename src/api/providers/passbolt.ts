/** Passbolt (upstream's `passbolt` provider block). */
import { type Static, Type } from "@sinclair/typebox";
import { CAProviderSchema, SecretKeySelectorSchema } from "../common.js";
import { Bytes } from "../schema.js";

export const PassboltAuthSchema = Type.Object({
  passwordSecretRef: SecretKeySelectorSchema,
  privateKeySecretRef: SecretKeySelectorSchema,
});

export const PassboltProviderSchema = Type.Object({
  auth: PassboltAuthSchema,
  host: Type.String({ description: "Host defines the Passbolt Server to connect to." }),
  caBundle: Type.Optional(
    Bytes({ description: "PEM-encoded CA bundle (base64) used to validate the Passbolt server's certificate." }),
  ),
  caProvider: Type.Optional(CAProviderSchema),
});
export type PassboltProvider = Static<typeof PassboltProviderSchema>;
