/** GithubAccessToken (generators.external-secrets.io/v1alpha1): a GitHub App installation access token. */
import { type Static, Type } from "@sinclair/typebox";
import { SecretKeySelectorSchema } from "../common.js";
import { StringMap } from "../schema.js";

export const GithubAccessTokenSpecSchema = Type.Object({
  url: Type.Optional(
    Type.String({
      description:
        "GitHub API base URL; defaults to https://api.github.com. For GitHub Enterprise Server: https://HOST/api/v3.",
    }),
  ),
  appID: Type.String({ description: "The GitHub App's ID (the JWT's iss claim)." }),
  installID: Type.String({ description: "The App installation to mint the token for." }),
  repositories: Type.Optional(
    Type.Array(Type.String(), {
      description: "Repository names the token may access; default: every repository of the installation.",
    }),
  ),
  permissions: Type.Optional(
    StringMap({ description: "Permissions of the token (e.g. contents: read); default: all of the App's." }),
  ),
  auth: Type.Object({
    privateKey: Type.Object({
      secretRef: SecretKeySelectorSchema,
    }),
  }),
});
export type GithubAccessTokenSpec = Static<typeof GithubAccessTokenSpecSchema>;
