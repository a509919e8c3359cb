/** GitlabDeployToken (generators.external-secrets.io/v1alpha1): a project or group deploy token. */
import { type Static, Type } from "@sinclair/typebox";
import { SecretKeySelectorSchema } from "../common.js";
import { parseDuration } from "../duration.js";
import { DateTime, Duration, StringEnum } from "../schema.js";

export const GitlabDeployTokenScopes = [
  "read_repository",
  "read_registry",
  "write_registry",
  "read_package_registry",
  "write_package_registry",
  "read_virtual_registry",
  "write_virtual_registry",
] as const;

export const GitlabDeployTokenSpecSchema = Type.Object({
  url: Type.Optional(Type.String({ description: "GitLab instance URL; defaults to https://gitlab.com." })),
  projectID: Type.Optional(
    Type.String({
      minLength: 1,
      description: "Numeric ID or unescaped path (group/project) of the project. Exactly one of projectID, groupID.",
    }),
  ),
  groupID: Type.Optional(
    Type.String({
      minLength: 1,
      description: "Numeric ID or unescaped path (parent/group) of the group. Exactly one of projectID, groupID.",
    }),
  ),
  name: Type.String({ minLength: 1, description: "Name of the deploy token." }),
  scopes: Type.Array(StringEnum(GitlabDeployTokenScopes), { minItems: 1 }),
  expiresAt: Type.Optional(DateTime({ description: "Absolute expiry. Mutually exclusive with expiresAfter." })),
  expiresAfter: Type.Optional(
    Duration({
      description:
        'Relative expiry (now + expiresAfter at each generation), a Go duration such as "720h"; at least 24h. Mutually exclusive with expiresAt.',
    }),
  ),
  username: Type.Optional(
    Type.String({ description: "Username of the deploy token; GitLab assigns gitlab+deploy-token-{n} when unset." }),
  ),
  auth: Type.Object({
    token: Type.Object({
      secretRef: SecretKeySelectorSchema,
    }),
  }),
});
export type GitlabDeployTokenSpec = Static<typeof GitlabDeployTokenSpecSchema>;

/** The smallest expiresAfter upstream accepts. */
export const MIN_EXPIRES_AFTER_MS = 24 * 3600 * 1000;

/**
 * Upstream's CEL rules on the spec (exactly one of projectID/groupID; expiresAt xor expiresAfter; expiresAfter
 * at least 24h), which the CRD schema alone cannot state. `path` is the spec prefix ("spec" or
 * "spec.generator.gitlabDeployTokenSpec").
 */
export function gitlabDeployTokenIssues(spec: unknown, path = "spec"): { path: string; message: string }[] {
  if (!spec || typeof spec !== "object") return [];
  const s = spec as Partial<GitlabDeployTokenSpec>;
  const out: { path: string; message: string }[] = [];
  if (!s.projectID === !s.groupID) out.push({ path, message: "exactly one of projectID or groupID must be set" });
  if (s.expiresAt !== undefined && s.expiresAfter !== undefined) {
    out.push({ path, message: "expiresAt and expiresAfter are mutually exclusive" });
  }
  if (typeof s.expiresAfter === "string") {
    let ms: number | undefined;
    try {
      ms = parseDuration(s.expiresAfter);
    } catch {
      out.push({ path: `${path}.expiresAfter`, message: `invalid duration "${s.expiresAfter}"` });
    }
    if (ms !== undefined && ms < MIN_EXPIRES_AFTER_MS) {
      out.push({ path: `${path}.expiresAfter`, message: "expiresAfter must be at least 24h" });
    }
  }
  return out;
}
