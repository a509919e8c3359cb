/**
 * Vault tokens obtained by login, keyed by store + credentials, so a store logs in once and reuses the token
 * across reconciles until it nears expiry (then renews it or logs in again). One instance per process lives in
 * the provider caches (VAULT_TOKENS).
 */
import type { CacheKey } from "../../provider.js";

export interface CachedToken {
  token: string;
  /** Epoch ms when the token expires; Infinity when it does not. */
  expiresAt: number;
  /** Length of the last granted lease, ms (0 = no expiry). */
  ttlMs: number;
  renewable: boolean;
}

const MAX_ENTRIES = 10_000;

export class TokenCache {
  private readonly tokens = new Map<string, CachedToken>();

  get(key: string): CachedToken | undefined {
    return this.tokens.get(key);
  }

  set(key: string, value: CachedToken): void {
    if (this.tokens.size >= MAX_ENTRIES && !this.tokens.has(key)) {
      const oldest = this.tokens.keys().next().value;
      if (oldest !== undefined) this.tokens.delete(oldest);
    }
    this.tokens.set(key, value);
  }

  /** Forgets the token under `key` (only if it is still `token`, when given). */
  drop(key: string, token?: string): void {
    if (token === undefined || this.tokens.get(key)?.token === token) this.tokens.delete(key);
  }
}

export const VAULT_TOKENS: CacheKey<TokenCache> = { name: "vault-tokens", create: () => new TokenCache() };

/** True when the token should be refreshed: within a third of its lease (at most 60 s) of expiry. */
export function nearExpiry(t: CachedToken, now = Date.now()): boolean {
  if (!Number.isFinite(t.expiresAt)) return false;
  const margin = Math.min(60_000, t.ttlMs / 3);
  return t.expiresAt - now <= margin;
}
