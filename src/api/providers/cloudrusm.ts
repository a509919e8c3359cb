/** Cloud.ru Secret Manager (upstream's `cloudrusm` provider block). */
import { type Static, Type } from "@sinclair/typebox";
import { SecretKeySelectorSchema } from "../common.js";

/** A service account access key: its key ID and secret, each read from a Secret. */
export const CSMAuthSecretRefSchema = Type.Object({
  accessKeyIDSecretRef: SecretKeySelectorSchema,
  accessKeySecretSecretRef: SecretKeySelectorSchema,
});

export const CSMAuthSchema = Type.Object({
  secretRef: Type.Optional(CSMAuthSecretRefSchema),
});

export const CloudruSMProviderSchema = Type.Object({
  auth: CSMAuthSchema,
  projectID: Type.Optional(Type.String({ description: "ProjectID is the project, which the secrets are stored in." })),
});
export type CloudruSMProvider = Static<typeof CloudruSMProviderSchema>;
