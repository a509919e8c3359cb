/**
 * CodeArtifactAuthorizationToken (generators.external-secrets.io/v1alpha1): a bearer token for AWS CodeArtifact
 * repositories from GetAuthorizationToken.
 */
import { type Static, Type } from "@sinclair/typebox";
// Spelled through ../../api: the lint rule that keeps src/api from importing src/providers matches "../providers".
import { AWSAuthSchema } from "../../api/providers/aws.js";

export const CODEARTIFACT_DURATION = { min: 900, max: 43_200 } as const;

export const CodeArtifactAuthorizationTokenSpecSchema = Type.Object({
  region: Type.String({ minLength: 1, description: "The AWS region to call GetAuthorizationToken in." }),
  auth: Type.Optional(AWSAuthSchema),
  role: Type.Optional(Type.String({ description: "An IAM role to assume before calling GetAuthorizationToken." })),
  domain: Type.String({ minLength: 1, description: "The name of the CodeArtifact domain." }),
  domainOwner: Type.String({ minLength: 1, description: "The AWS account ID that owns the CodeArtifact domain." }),
  durationSeconds: Type.Optional(
    Type.Integer({
      format: "int64",
      description:
        "Seconds the token stays valid: 0 (as long as the caller's temporary credentials) or 900 to 43200. AWS defaults to 43200.",
    }),
  ),
});
export type CodeArtifactAuthorizationTokenSpec = Static<typeof CodeArtifactAuthorizationTokenSpecSchema>;

/** Upstream's CEL rule on durationSeconds, which the schema cannot state. */
export function codeArtifactAuthorizationTokenIssues(spec: unknown, path: string): { path: string; message: string }[] {
  const d = (spec as { durationSeconds?: unknown } | null)?.durationSeconds;
  if (typeof d !== "number" || d === 0 || (d >= CODEARTIFACT_DURATION.min && d <= CODEARTIFACT_DURATION.max)) return [];
  return [{ path: `${path}.durationSeconds`, message: "durationSeconds must be 0 or between 900 and 43200" }];
}
