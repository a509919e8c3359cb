/** ngrok vault secrets, as a PushSecret target (upstream's `ngrok` provider block). */
import { type Static, Type } from "@sinclair/typebox";
import { SecretKeySelectorSchema } from "../common.js";

export const NgrokProviderSecretRefSchema = Type.Object({
  secretRef: Type.Optional(SecretKeySelectorSchema),
});

/** Exactly one auth method (today only apiKey). */
export const NgrokAuthSchema = Type.Object(
  {
    apiKey: Type.Optional(NgrokProviderSecretRefSchema),
  },
  { minProperties: 1, maxProperties: 1 },
);

export const NgrokVaultSchema = Type.Object({
  name: Type.String({ description: "Name is the name of the ngrok vault to sync secrets with." }),
});

export const NgrokProviderSchema = Type.Object({
  apiUrl: Type.Optional(
    Type.String({ default: "https://api.ngrok.com", description: "APIURL is the URL of the ngrok API." }),
  ),
  auth: NgrokAuthSchema,
  vault: NgrokVaultSchema,
});
export type NgrokProvider = Static<typeof NgrokProviderSchema>;
