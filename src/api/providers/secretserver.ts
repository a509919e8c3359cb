/** Delinea Secret Server / Platform (upstream's `secretserver` provider block). */
import { type Static, Type } from "@sinclair/typebox";
import { CAProviderSchema, SecretKeySelectorSchema } from "../common.js";
import { Bytes } from "../schema.js";

/** A credential given inline (`value`) or read from a Secret (`secretRef`); exactly one of them. */
export const SecretServerProviderRefSchema = Type.Object({
  value: Type.Optional(
    Type.String({ description: "Value can be specified directly to set a value without using a secret." }),
  ),
  secretRef: Type.Optional(SecretKeySelectorSchema),
});
export type SecretServerProviderRef = Static<typeof SecretServerProviderRefSchema>;

export const SecretServerProviderSchema = Type.Object({
  username: Type.Optional(SecretServerProviderRef("Username is the secret server account username.")),
  password: Type.Optional(SecretServerProviderRef("Password is the secret server account password.")),
  token: Type.Optional(
    SecretServerProviderRef("Token is a pre-issued access token; when set, username and password are not used."),
  ),
  domain: Type.Optional(Type.String({ description: "Domain is the secret server domain." })),
  serverURL: Type.String({ description: "ServerURL: URL to your secret server installation." }),
  caBundle: Type.Optional(
    Bytes({
      description:
        "PEM/base64 encoded CA bundle used to validate Secret ServerURL. Only used if the ServerURL URL is using HTTPS protocol.",
    }),
  ),
  caProvider: Type.Optional(CAProviderSchema),
});
export type SecretServerProvider = Static<typeof SecretServerProviderSchema>;

function SecretServerProviderRef(description: string) {
  return Type.Object(SecretServerProviderRefSchema.properties, { description });
}
