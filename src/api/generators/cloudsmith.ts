/** CloudsmithAccessToken: a Cloudsmith API token obtained by OIDC exchange of a Kubernetes ServiceAccount token. */
import { type Static, Type } from "@sinclair/typebox";
import { ServiceAccountSelectorSchema } from "../common.js";

export const CloudsmithAccessTokenSpecSchema = Type.Object({
  apiUrl: Type.Optional(Type.String({ description: "The Cloudsmith API URL. Defaults to https://api.cloudsmith.io." })),
  orgSlug: Type.String({ description: "The organization slug in Cloudsmith." }),
  serviceSlug: Type.String({ description: "The slug of the Cloudsmith service the OIDC provider is bound to." }),
  serviceAccountRef: ServiceAccountSelectorSchema,
});
export type CloudsmithAccessTokenSpec = Static<typeof CloudsmithAccessTokenSpecSchema>;
