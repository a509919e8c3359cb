import { type Static, Type } from "@sinclair/typebox";
import { SecretKeySelectorSchema } from "../common.js";

export const ChefAuthSchema = Type.Object({
  secretRef: Type.Object({
    /** The client's RSA signing key, PEM. */
    privateKeySecretRef: SecretKeySelectorSchema,
  }),
});

export const ChefProviderSchema = Type.Object({
  auth: ChefAuthSchema,
  /** The user (or client) name on the Chef server. */
  username: Type.String(),
  /** The server URL, including the organization, ending in "/": https://chef.example.com/organizations/acme/ */
  serverUrl: Type.String(),
});
export type ChefProvider = Static<typeof ChefProviderSchema>;
