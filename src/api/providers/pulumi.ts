import { type Static, Type } from "@sinclair/typebox";
import { SecretKeySelectorSchema, ServiceAccountSelectorSchema } from "../common.js";

export const DEFAULT_PULUMI_API_URL = "https://api.pulumi.com/api/esc";

/** A Pulumi access token held in a Kubernetes Secret. */
export const PulumiProviderSecretRefSchema = Type.Object({
  secretRef: Type.Optional(SecretKeySelectorSchema),
});

/** auth.oidcConfig: a ServiceAccount token exchanged for a Pulumi organization token. */
export const PulumiOIDCAuthSchema = Type.Object({
  organization: Type.String({ description: "The Pulumi organization configured for OIDC authentication." }),
  serviceAccountRef: ServiceAccountSelectorSchema,
  expirationSeconds: Type.Optional(Type.Integer({ format: "int64", default: 600, minimum: 600 })),
});

/** Exactly one of accessToken or oidcConfig (checked by validate, as upstream's CEL rule). */
export const PulumiAuthSchema = Type.Object({
  accessToken: Type.Optional(PulumiProviderSecretRefSchema),
  oidcConfig: Type.Optional(PulumiOIDCAuthSchema),
});

/** Exactly one of auth or the deprecated accessToken (checked by validate, as upstream's CEL rule). */
export const PulumiProviderSchema = Type.Object({
  apiUrl: Type.Optional(Type.String({ default: DEFAULT_PULUMI_API_URL, description: "The Pulumi ESC API URL." })),
  auth: Type.Optional(PulumiAuthSchema),
  organization: Type.String({ description: "The Pulumi organization." }),
  project: Type.String({ description: "The Pulumi ESC project the environment belongs to." }),
  environment: Type.String({ description: "The Pulumi ESC environment." }),
  accessToken: Type.Optional(PulumiProviderSecretRefSchema),
});
export type PulumiProvider = Static<typeof PulumiProviderSchema>;
