import { type Static, Type } from "@sinclair/typebox";
import { SecretKeySelectorSchema } from "../common.js";
import { StringEnum } from "../schema.js";

export const GithubAppAuthSchema = Type.Object({
  privateKey: SecretKeySelectorSchema,
});

/** GitHub Actions secrets as a PushSecret target, authenticated as a GitHub App installation (write-only). */
export const GithubProviderSchema = Type.Object({
  url: Type.Optional(
    Type.String({ default: "https://github.com/", description: "GitHub instance URL, default https://github.com/." }),
  ),
  uploadURL: Type.Optional(Type.String({ description: "Upload URL for enterprise instances. Default to URL." })),
  auth: GithubAppAuthSchema,
  appID: Type.Integer({ description: "The GitHub App used to authenticate the client." }),
  installationID: Type.Integer({ description: "The GitHub App installation used to authenticate the client." }),
  organization: Type.String({ description: "The organization whose secrets (or whose repository's) are managed." }),
  repository: Type.Optional(Type.String({ description: "A repository of the organization: its secrets are managed." })),
  environment: Type.Optional(
    Type.String({ description: "An environment of the repository: its secrets are managed." }),
  ),
  orgSecretVisibility: Type.Optional(
    StringEnum(["all", "private"] as const, {
      description:
        'Visibility of organization secrets pushed via PushSecret; unset: "all" for new secrets, kept for existing ones.',
    }),
  ),
});
export type GithubProvider = Static<typeof GithubProviderSchema>;
