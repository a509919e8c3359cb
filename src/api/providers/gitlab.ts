import { type Static, Type } from "@sinclair/typebox";
import { CAProviderSchema, SecretKeySelectorSchema } from "../common.js";
import { Bytes } from "../schema.js";

/** Upstream spells the auth key `SecretRef` (capital S); kept for manifest compatibility. */
export const GitlabAuthSchema = Type.Object({
  SecretRef: Type.Object({ accessToken: Type.Optional(SecretKeySelectorSchema) }),
});

export const GitlabProviderSchema = Type.Object({
  url: Type.Optional(Type.String({ description: "GitLab instance URL, default https://gitlab.com/." })),
  auth: GitlabAuthSchema,
  projectID: Type.Optional(Type.String()),
  inheritFromGroups: Type.Optional(Type.Boolean()),
  groupIDs: Type.Optional(Type.Array(Type.String())),
  environment: Type.Optional(Type.String({ description: "environment_scope of the CI/CD variables." })),
  caBundle: Type.Optional(Bytes()),
  caProvider: Type.Optional(CAProviderSchema),
});
export type GitlabProvider = Static<typeof GitlabProviderSchema>;
