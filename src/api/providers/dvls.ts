import { type Static, Type } from "@sinclair/typebox";
import { SecretKeySelectorSchema } from "../common.js";

export const DVLSProviderSchema = Type.Object({
  serverUrl: Type.String({ description: "ServerURL is the DVLS instance URL (e.g., https://dvls.example.com)." }),
  insecure: Type.Optional(
    Type.Boolean({ description: "Insecure allows connecting to DVLS over plain HTTP. This is NOT RECOMMENDED." }),
  ),
  auth: Type.Object({
    secretRef: Type.Object({
      appId: SecretKeySelectorSchema,
      appSecret: SecretKeySelectorSchema,
    }),
  }),
});
export type DVLSProvider = Static<typeof DVLSProviderSchema>;
