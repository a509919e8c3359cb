/**
 * The "github" provider: GitHub Actions secrets (organization, repository or environment) as a PushSecret
 * target, authenticated as a GitHub App installation. Write-only, as upstream.
 */
import type { GithubProvider } from "../../api/providers/github.js";
import { capTimeout } from "../../runtime/deadline.js";
import { StoreConfigError } from "../errors.js";
import type { Capabilities, Provider, ProviderContext, SecretsClient, SpecValidation, StoreKind } from "../provider.js";
import { resolveSecretKey } from "../resolvers.js";
import { forgetInstallationToken, INSTALLATION_TOKENS, installationTokenSource } from "./app-auth.js";
import { GithubClient } from "./client.js";
import { apiBase, secretsScope } from "./endpoints.js";
import { GithubActionsApi } from "./transport.js";

const FIELD = "spec.provider.github";
const KEY_FIELD = `${FIELD}.auth.privateKey`;
const CALL_TIMEOUT_MS = 30_000;

function checkUrl(value: string | undefined, field: string, errors: string[]): void {
  if (!value) return;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    errors.push(`${field}: is not a valid URL`);
    return;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") errors.push(`${field}: must be an http(s) URL`);
}

function positiveInteger(v: unknown): boolean {
  return typeof v === "number" && Number.isSafeInteger(v) && v > 0;
}

export const githubProvider: Provider<GithubProvider> = {
  name: "github",
  capabilities(): Capabilities {
    return "WriteOnly";
  },
  validate(spec: GithubProvider, storeKind: StoreKind): SpecValidation {
    const errors: string[] = [];
    const warnings: string[] = [];
    const ref = spec?.auth?.privateKey;
    if (!ref?.name) errors.push(`${KEY_FIELD}.name: is required`);
    if (ref && !ref.key) errors.push(`${KEY_FIELD}.key: is required`);
    if (storeKind === "SecretStore" && ref?.namespace) {
      errors.push(`${KEY_FIELD}.namespace: a SecretStore may not reference another namespace`);
    }
    if (storeKind === "ClusterSecretStore" && ref?.name && !ref.namespace) {
      warnings.push(
        `${KEY_FIELD}.namespace: unset, so the key is read in the namespace of each PushSecret using the store`,
      );
    }
    if (!positiveInteger(spec?.appID)) errors.push(`${FIELD}.appID: must be a positive integer`);
    if (!positiveInteger(spec?.installationID)) errors.push(`${FIELD}.installationID: must be a positive integer`);
    if (!spec?.organization) errors.push(`${FIELD}.organization: is required`);
    if (spec?.environment && !spec.repository) errors.push(`${FIELD}.environment: requires repository`);
    if (spec?.orgSecretVisibility && spec.repository) {
      warnings.push(`${FIELD}.orgSecretVisibility: applies to organization secrets only; ignored with repository`);
    }
    checkUrl(spec?.url, `${FIELD}.url`, errors);
    checkUrl(spec?.uploadURL, `${FIELD}.uploadURL`, errors);
    return { errors, warnings };
  },
  async newClient(spec: GithubProvider, ctx: ProviderContext): Promise<SecretsClient> {
    const ref = spec?.auth?.privateKey;
    if (!ref) throw new StoreConfigError(`${KEY_FIELD}: is required`);
    if (!spec.organization) throw new StoreConfigError(`${FIELD}.organization: is required`);
    const privateKey = await resolveSecretKey(ctx, ref, KEY_FIELD);
    const base = apiBase(spec.url);
    const timeoutMs = () => capTimeout(CALL_TIMEOUT_MS, ctx.deadline);
    const tokens = ctx.caches.get(INSTALLATION_TOKENS);
    const auth = {
      base,
      appID: String(spec.appID),
      installationID: String(spec.installationID),
      privateKey,
      keyField: KEY_FIELD,
      signal: ctx.signal,
      timeoutMs,
    };
    const api = new GithubActionsApi(
      { base, token: installationTokenSource(tokens, auth), signal: ctx.signal, timeoutMs },
      secretsScope(spec),
    );
    return new GithubClient(api, {
      orgSecretVisibility: spec.orgSecretVisibility,
      onAuthRefused: () => forgetInstallationToken(tokens, auth),
    });
  },
};
