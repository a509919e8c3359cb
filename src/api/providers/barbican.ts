/** OpenStack Barbican (upstream's `barbican` provider block), authenticated through Keystone v3. */
import { type Static, Type } from "@sinclair/typebox";
import { SecretKeySelectorSchema } from "../common.js";
import { StringEnum } from "../schema.js";

export const BarbicanAuthTypeValues = ["password", "applicationCredential"] as const;

/** A value given inline or read from a Secret: exactly one. */
const valueOrRef = (description: string) =>
  Type.Object(
    {
      value: Type.Optional(Type.String()),
      secretRef: Type.Optional(SecretKeySelectorSchema),
    },
    { minProperties: 1, maxProperties: 1, description },
  );
const secretRefOnly = (description: string) => Type.Object({ secretRef: SecretKeySelectorSchema }, { description });

export const BarbicanAuthSchema = Type.Object({
  authType: Type.Optional(StringEnum(BarbicanAuthTypeValues, { default: "password" })),
  username: Type.Optional(valueOrRef("Username / Password authentication fields.")),
  password: Type.Optional(
    secretRefOnly("BarbicanProviderPasswordRef defines a reference to a secret containing password."),
  ),
  applicationCredentialID: Type.Optional(valueOrRef("Application Credential authentication fields.")),
  applicationCredentialSecret: Type.Optional(
    secretRefOnly("BarbicanProviderAppCredSecretRef defines a reference to an Application Credential Secret."),
  ),
});
export type BarbicanAuth = Static<typeof BarbicanAuthSchema>;

export const BarbicanProviderSchema = Type.Object({
  authURL: Type.Optional(Type.String()),
  tenantName: Type.Optional(Type.String()),
  domainName: Type.Optional(Type.String()),
  region: Type.Optional(Type.String()),
  auth: Type.Object(BarbicanAuthSchema.properties, {
    description: "BarbicanAuth contains the authentication information for Barbican.",
  }),
});
export type BarbicanProvider = Static<typeof BarbicanProviderSchema>;
