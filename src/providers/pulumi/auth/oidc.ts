/**
 * auth.oidcConfig: a ServiceAccount token (audience: the Pulumi Cloud API root, plus any given) exchanged for a
 * Pulumi organization token, kept in the provider caches until a minute before it expires.
 */
import type { PulumiProvider } from "../../../api/providers/pulumi.js";
import type { CacheKey, ProviderContext } from "../../provider.js";
import { refNamespace, serviceAccountToken } from "../../resolvers.js";
import { cloudBaseUrl, exchangeOidcToken } from "../transport.js";

type OidcConfig = NonNullable<NonNullable<PulumiProvider["auth"]>["oidcConfig"]>;

interface CachedToken {
  token: string;
  expiresAt: number;
}

const MAX_ENTRIES = 10_000;
const REFRESH_MARGIN_MS = 60_000;
/** Lifetime of the ServiceAccount token itself (upstream's default TTL). */
const SA_TOKEN_SECONDS = 600;

class PulumiTokenCache {
  private readonly tokens = new Map<string, CachedToken>();

  fresh(key: string): string | undefined {
    const t = this.tokens.get(key);
    return t && t.expiresAt - Date.now() > REFRESH_MARGIN_MS ? t.token : undefined;
  }

  set(key: string, value: CachedToken): void {
    if (this.tokens.size >= MAX_ENTRIES && !this.tokens.has(key)) {
      const oldest = this.tokens.keys().next().value;
      if (oldest !== undefined) this.tokens.delete(oldest);
    }
    this.tokens.set(key, value);
  }
}

export const PULUMI_OIDC_TOKENS: CacheKey<PulumiTokenCache> = {
  name: "pulumi-oidc-tokens",
  create: () => new PulumiTokenCache(),
};

/** The ServiceAccount token's audiences as upstream builds them: the API root first, then the others, deduplicated. */
export function oidcAudiences(baseUrl: string, extra: string[] | undefined): string[] {
  return [baseUrl, ...(extra ?? []).filter((a) => a !== baseUrl)];
}

/** A token source for the client: returns the cached organization token, exchanging a new one when it nears expiry. */
export function oidcTokenSource(oidc: OidcConfig, apiUrl: string, ctx: ProviderContext, field: string) {
  const baseUrl = cloudBaseUrl(apiUrl);
  const audiences = oidcAudiences(baseUrl, oidc.serviceAccountRef.audiences);
  const saField = `${field}.serviceAccountRef`;
  const expiration = oidc.expirationSeconds && oidc.expirationSeconds > 0 ? oidc.expirationSeconds : 600;
  const cache = ctx.caches.get(PULUMI_OIDC_TOKENS);
  return async (): Promise<string> => {
    const ns = refNamespace(ctx, oidc.serviceAccountRef, saField);
    const key = JSON.stringify([baseUrl, oidc.organization, ns, oidc.serviceAccountRef.name, audiences, expiration]);
    const cached = cache.fresh(key);
    if (cached) return cached;
    const sa = await serviceAccountToken(ctx, { ...oidc.serviceAccountRef, audiences }, [], saField, SA_TOKEN_SECONDS);
    const issued = await exchangeOidcToken(baseUrl, oidc.organization, sa, expiration, ctx.signal, ctx.deadline);
    cache.set(key, issued);
    return issued.token;
  };
}
