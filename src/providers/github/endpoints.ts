/** Where a github store's calls go: the API base for github.com or an Enterprise Server, and the secrets scope. */
import type { GithubProvider } from "../../api/providers/github.js";
import { DEFAULT_GITHUB_API } from "./kit/index.js";

const GITHUB_COM = "https://github.com/";

/** github.com's API host, or `<url>/api/v3` for GitHub Enterprise Server (as go-github's enterprise URLs). */
export function apiBase(url: string | undefined): string {
  if (!url || url === GITHUB_COM || url === GITHUB_COM.slice(0, -1)) return DEFAULT_GITHUB_API;
  const trimmed = url.replace(/\/+$/, "");
  return trimmed.endsWith("/api/v3") ? trimmed : `${trimmed}/api/v3`;
}

export type SecretsScope =
  | { kind: "organization"; organization: string }
  | { kind: "repository"; organization: string; repository: string }
  | { kind: "environment"; organization: string; repository: string; environment: string };

/** Organization secrets, or a repository's, or one of its environments' (the most specific field set wins). */
export function secretsScope(spec: GithubProvider): SecretsScope {
  const organization = spec.organization;
  if (!spec.repository) return { kind: "organization", organization };
  if (!spec.environment) return { kind: "repository", organization, repository: spec.repository };
  return { kind: "environment", organization, repository: spec.repository, environment: spec.environment };
}

/** The path of the scope's secrets collection (its public key is `<path>/public-key`). */
export function secretsPath(scope: SecretsScope): string {
  const org = encodeURIComponent(scope.organization);
  if (scope.kind === "organization") return `/orgs/${org}/actions/secrets`;
  const repo = `/repos/${org}/${encodeURIComponent(scope.repository)}`;
  if (scope.kind === "repository") return `${repo}/actions/secrets`;
  return `${repo}/environments/${encodeURIComponent(scope.environment)}/secrets`;
}

export function describeScope(scope: SecretsScope): string {
  if (scope.kind === "organization") return `organization ${scope.organization}`;
  if (scope.kind === "repository") return `repository ${scope.organization}/${scope.repository}`;
  return `environment ${scope.environment} of ${scope.organization}/${scope.repository}`;
}
