import { type Static, Type } from "@sinclair/typebox";
import { SecretKeySelectorSchema, ServiceAccountSelectorSchema } from "../common.js";
import { StringEnum } from "../schema.js";

/** Exactly one of secretRef or oidcConfig. */
export const DopplerAuthSchema = Type.Object({
  secretRef: Type.Optional(
    Type.Object({
      // key defaults to "dopplerToken", as upstream.
      dopplerToken: SecretKeySelectorSchema,
    }),
  ),
  oidcConfig: Type.Optional(
    Type.Object({
      identity: Type.String(),
      serviceAccountRef: ServiceAccountSelectorSchema,
      expirationSeconds: Type.Optional(Type.Integer({ format: "int64", default: 600 })),
    }),
  ),
});
export type DopplerAuth = Static<typeof DopplerAuthSchema>;

export const DopplerNameTransformerValues = [
  "upper-camel",
  "camel",
  "lower-snake",
  "tf-var",
  "dotnet-env",
  "lower-kebab",
] as const;
export const DopplerFormatValues = ["json", "dotnet-json", "env", "yaml", "docker"] as const;

export const DopplerProviderSchema = Type.Object({
  auth: DopplerAuthSchema,
  host: Type.Optional(Type.String({ description: 'Doppler API base URL, default "https://api.doppler.com".' })),
  project: Type.Optional(Type.String()),
  config: Type.Optional(Type.String()),
  nameTransformer: Type.Optional(StringEnum(DopplerNameTransformerValues)),
  format: Type.Optional(StringEnum(DopplerFormatValues)),
});
export type DopplerProvider = Static<typeof DopplerProviderSchema>;
