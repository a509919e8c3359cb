/** MFA (generators.external-secrets.io/v1alpha1): an RFC 6238 TOTP code from a seed kept in a Secret. */
import { type Static, Type } from "@sinclair/typebox";
import { SecretKeySelectorSchema } from "../common.js";
import { DateTime } from "../schema.js";

export const MFASpecSchema = Type.Object({
  secret: SecretKeySelectorSchema,
  length: Type.Optional(Type.Integer({ description: "Digits in the code; 0 or unset means 6." })),
  timePeriod: Type.Optional(Type.Integer({ description: "Seconds each code is valid; 0 or unset means 30." })),
  algorithm: Type.Optional(
    Type.String({ description: "HMAC hash: sha1 (default, as the RFC), sha256, sha384, sha512 or sha512_256." }),
  ),
  when: Type.Optional(DateTime({ description: "Pins the time the code is computed for (reproducible codes)." })),
});
export type MFASpec = Static<typeof MFASpecSchema>;
