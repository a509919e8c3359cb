import { type Static, Type } from "@sinclair/typebox";
import { CAProviderSchema, SecretKeySelectorSchema } from "../common.js";
import { Bytes } from "../schema.js";

export const FortanixProviderSecretRefSchema = Type.Object({
  secretRef: Type.Optional(SecretKeySelectorSchema),
});

export const FortanixProviderSchema = Type.Object({
  /** The DSM (SDKMS) API URL; https://sdkms.fortanix.com when unset. */
  apiUrl: Type.Optional(Type.String()),
  apiKey: Type.Optional(FortanixProviderSecretRefSchema),
  caBundle: Type.Optional(Bytes()),
  caProvider: Type.Optional(CAProviderSchema),
});
export type FortanixProvider = Static<typeof FortanixProviderSchema>;
