import { type Static, Type } from "@sinclair/typebox";
import { SecretKeySelectorSchema } from "../common.js";
import { Duration } from "../schema.js";

export const OnePasswordSDKAuthSchema = Type.Object({
  serviceAccountSecretRef: SecretKeySelectorSchema,
});

export const IntegrationInfoSchema = Type.Object(
  {
    name: Type.Optional(Type.String({ default: "1Password SDK", description: 'Name defaults to "1Password SDK".' })),
    version: Type.Optional(Type.String({ default: "v1.0.0", description: 'Version defaults to "v1.0.0".' })),
  },
  { description: "The name and version of the integration, as reported to 1Password." },
);

export const OnePasswordSDKCacheSchema = Type.Object(
  {
    ttl: Type.Optional(
      Duration({ default: "5m", description: 'How long a read is kept, as a duration ("5m", "1h", "30s").' }),
    ),
    maxSize: Type.Optional(
      Type.Integer({
        default: 100,
        minimum: 1,
        description: "The most secrets kept; the least recently used go first.",
      }),
    ),
  },
  {
    description:
      "Client-side caching of reads (GetSecret, GetSecretMap); PushSecret and DeleteSecret invalidate what they change. Omitted: no caching.",
  },
);

export const OnePasswordSDKProviderSchema = Type.Object({
  vault: Type.String({
    description: "The vault's name or UUID to access. Do NOT add op:// prefix. This will be done automatically.",
  }),
  integrationInfo: Type.Optional(IntegrationInfoSchema),
  auth: OnePasswordSDKAuthSchema,
  cache: Type.Optional(OnePasswordSDKCacheSchema),
});
export type OnePasswordSDKProvider = Static<typeof OnePasswordSDKProviderSchema>;
