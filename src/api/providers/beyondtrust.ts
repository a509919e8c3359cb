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
