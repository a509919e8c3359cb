import { type Static, Type } from "@sinclair/typebox";
import { CAProviderSchema, SecretKeySelectorSchema } from "../common.js";
import { Bytes, Duration, StringMap } from "../schema.js";

export const WebhookSecretSchema = Type.Object({
  name: Type.String({ description: "Name of this secret in templates." }),
  secretRef: SecretKeySelectorSchema,
});
export type WebhookSecret = Static<typeof WebhookSecretSchema>;

export const WebhookResultSchema = Type.Object({
  jsonPath: Type.Optional(Type.String({ description: "JSONPath of the value to return." })),
});

/** Only one protocol may be set. */
export const WebhookAuthSchema = Type.Object(
  {
    ntlm: Type.Optional(
      Type.Object({ usernameSecret: SecretKeySelectorSchema, passwordSecret: SecretKeySelectorSchema }),
    ),
  },
  { minProperties: 1, maxProperties: 1 },
);

/** Fields shared by the webhook provider and the Webhook generator. */
export const webhookFields = {
  method: Type.Optional(Type.String({ description: "HTTP method, default GET." })),
  url: Type.String({ description: "URL to call; a Go template." }),
  headers: Type.Optional(StringMap()),
  auth: Type.Optional(WebhookAuthSchema),
  body: Type.Optional(Type.String({ description: "Request body; a Go template." })),
  timeout: Type.Optional(Duration()),
  result: Type.Optional(WebhookResultSchema),
  secrets: Type.Optional(Type.Array(WebhookSecretSchema)),
  caBundle: Type.Optional(Bytes()),
  caProvider: Type.Optional(CAProviderSchema),
};

export const WebhookProviderSchema = Type.Object(webhookFields);
export type WebhookProvider = Static<typeof WebhookProviderSchema>;
