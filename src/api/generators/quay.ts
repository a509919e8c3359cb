/** QuayAccessToken: a Quay robot-account token obtained by OIDC federation with a Kubernetes ServiceAccount. */
import { type Static, Type } from "@sinclair/typebox";
import { ServiceAccountSelectorSchema } from "../common.js";

export const QuayAccessTokenSpecSchema = Type.Object({
  url: Type.Optional(
    Type.String({ description: "Host (and port) of the Quay instance; https is implied. Defaults to quay.io." }),
  ),
  robotAccount: Type.String({ description: "The robot account federated with the ServiceAccount (org+name)." }),
  serviceAccountRef: ServiceAccountSelectorSchema,
});
export type QuayAccessTokenSpec = Static<typeof QuayAccessTokenSpecSchema>;
