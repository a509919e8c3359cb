/** ServiceAccountToken (generators.external-secrets.io/v1alpha1): a token issued through the TokenRequest API. */
import { type Static, Type } from "@sinclair/typebox";
import { ServiceAccountSelectorSchema } from "../common.js";

export const ServiceAccountTokenSpecSchema = Type.Object({
  serviceAccountRef: ServiceAccountSelectorSchema,
  expirationSeconds: Type.Optional(
    Type.Integer({
      format: "int64",
      description:
        "Requested lifetime of the token in seconds; the API server may shorten it. Unset: the API server's default.",
    }),
  ),
});
export type ServiceAccountTokenSpec = Static<typeof ServiceAccountTokenSpecSchema>;
