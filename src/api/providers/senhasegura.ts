import { type Static, Type } from "@sinclair/typebox";
import { SecretKeySelectorSchema } from "../common.js";
import { StringEnum } from "../schema.js";

export const SenhaseguraAuthSchema = Type.Object({
  clientId: Type.String(),
  clientSecretSecretRef: SecretKeySelectorSchema,
});

/** The senhasegura module secrets are read from: only DevOps Secrets Management. */
export const SenhaseguraModuleValues = ["DSM"] as const;

export const SenhaseguraProviderSchema = Type.Object({
  url: Type.String(),
  module: StringEnum(SenhaseguraModuleValues),
  auth: SenhaseguraAuthSchema,
  ignoreSslCertificate: Type.Optional(Type.Boolean({ default: false })),
});
export type SenhaseguraProvider = Static<typeof SenhaseguraProviderSchema>;
