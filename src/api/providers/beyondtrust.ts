/**
 * BeyondTrust Workload Credentials (upstream's `beyondtrustworkloadcredentials` provider block). Declared here once:
 * the BeyondtrustWorkloadCredentialsDynamicSecret generator embeds it as spec.provider, and the store provider
 * of that name reuses it.
 */
import { type Static, Type } from "@sinclair/typebox";
import { CAProviderSchema, SecretKeySelectorSchema } from "../common.js";
import { Bytes } from "../schema.js";

export const BeyondtrustWorkloadCredentialsAuthSchema = Type.Object({
  apikey: Type.Object({
    token: SecretKeySelectorSchema,
  }),
});

export const BeyondtrustWorkloadCredentialsServerSchema = Type.Object({
  apiUrl: Type.String({
    description: "Base URL of the Workload Credentials API (https), e.g. https://api.beyondtrust.io/site.",
  }),
  siteId: Type.String({ description: "The site identifier (a UUID)." }),
});

export const BeyondtrustWorkloadCredentialsProviderSchema = Type.Object({
  auth: BeyondtrustWorkloadCredentialsAuthSchema,
  server: BeyondtrustWorkloadCredentialsServerSchema,
  folderPath: Type.Optional(
    Type.String({
      description:
        "Store: the default folder secrets are read from. Generator: `<folder>/<name>` of the dynamic secret definition.",
    }),
  ),
  caBundle: Type.Optional(Bytes({ description: "PEM CA bundle (base64) trusted for the API's TLS certificate." })),
  caProvider: Type.Optional(CAProviderSchema),
});
export type BeyondtrustWorkloadCredentialsProvider = Static<typeof BeyondtrustWorkloadCredentialsProviderSchema>;

/** BeyondTrust Password Safe (upstream's `beyondtrust` provider block). */

/** A credential given inline (`value`) or read from a Secret (`secretRef`). */
export const BeyondTrustProviderSecretRefSchema = Type.Object({
  value: Type.Optional(
    Type.String({ description: "Value can be specified directly to set a value without using a secret." }),
  ),
  secretRef: Type.Optional(SecretKeySelectorSchema),
});
export type BeyondTrustProviderSecretRef = Static<typeof BeyondTrustProviderSecretRefSchema>;

export const BeyondtrustAuthSchema = Type.Object({
  apiKey: Type.Optional(BeyondTrustProviderSecretRefSchema),
  clientId: Type.Optional(BeyondTrustProviderSecretRefSchema),
  clientSecret: Type.Optional(BeyondTrustProviderSecretRefSchema),
  certificate: Type.Optional(BeyondTrustProviderSecretRefSchema),
  certificateKey: Type.Optional(BeyondTrustProviderSecretRefSchema),
});

export const BeyondtrustServerSchema = Type.Object({
  apiUrl: Type.String({
    description: "Password Safe API URL, e.g. https://example.com:443/beyondtrust/api/public/V3.",
  }),
  apiVersion: Type.Optional(
    Type.String({ description: "The recommended version is 3.1. If no version is specified, 3.0 is used." }),
  ),
  retrievalType: Type.Optional(
    Type.String({
      description:
        "SECRET = Secrets Safe (credential, text, file). MANAGED_ACCOUNT = Password Safe account associated with a system.",
    }),
  ),
  separator: Type.Optional(Type.String({ description: "A character that separates the folder names." })),
  decrypt: Type.Optional(
    Type.Boolean({
      description:
        "When true, the response includes the decrypted password (SECRET retrieval type only). Default: true.",
    }),
  ),
  verifyCA: Type.Boolean({
    description: "Whether to verify the certificate authority of the Password Safe instance (false is insecure).",
  }),
  clientTimeOutSeconds: Type.Optional(
    Type.Integer({ description: "Time limit in seconds for each request. Defaults to 45 seconds." }),
  ),
});

export const BeyondtrustProviderSchema = Type.Object({
  auth: BeyondtrustAuthSchema,
  server: BeyondtrustServerSchema,
});
export type BeyondtrustProvider = Static<typeof BeyondtrustProviderSchema>;
