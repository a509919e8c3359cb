/** Grafana: a service account token created through the Grafana HTTP API (the service account is reused). */
import { type Static, Type } from "@sinclair/typebox";
import { ObjectName, SecretDataKey } from "../schema.js";

/** As upstream's generator-local selector: a key of a Secret in the generator's own namespace (no namespace field). */
export const GrafanaSecretKeySelectorSchema = Type.Object({
  name: Type.Optional(ObjectName({ description: "The name of the Secret resource being referred to." })),
  key: Type.Optional(SecretDataKey({ description: "The key where the token is found." })),
});
export type GrafanaSecretKeySelector = Static<typeof GrafanaSecretKeySelectorSchema>;

export const GrafanaSpecSchema = Type.Object({
  url: Type.String({ description: "URL of the Grafana instance (a path prefix is kept: https://host/grafana)." }),
  auth: Type.Object({
    // A Grafana service account token allowed to create service accounts and tokens; preferred over basic.
    token: Type.Optional(GrafanaSecretKeySelectorSchema),
    basic: Type.Optional(
      Type.Object({
        username: Type.String(),
        password: GrafanaSecretKeySelectorSchema,
      }),
    ),
  }),
  serviceAccount: Type.Object({
    name: Type.String({ description: "Name of the service account to create (or reuse when it exists)." }),
    role: Type.String({ description: "Basic role of a created service account: Viewer, Editor, Admin or None." }),
  }),
});
export type GrafanaSpec = Static<typeof GrafanaSpecSchema>;

/** What cleanup needs, as upstream records it. */
export interface GrafanaState {
  serviceAccount: { id: number; login: string; tokenID: number };
}
