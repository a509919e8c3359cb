/**
 * Conjur access tokens, kept per store and credentials so a store authenticates once every few minutes instead
 * of on every reconcile. Conjur tokens live 8 minutes and say nothing of it; one is reused for REUSE_MS.
 */
import type { CacheKey } from "../provider.js";
import { ExpiringTokenCache, type IssuedToken } from "../util/expiring-tokens.js";

export const REUSE_MS = 5 * 60_000;

export const CONJUR_TOKENS: CacheKey<ExpiringTokenCache> = {
  name: "conjur-tokens",
  create: () => new ExpiringTokenCache(),
};

/** A Conjur login's token as the cache keeps it. */
export function conjurToken(token: string): IssuedToken {
  return { token, reuseForMs: REUSE_MS };
}
