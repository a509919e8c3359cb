/**
 * Process-wide cache of Vault tokens obtained by login, keyed by store + credentials, so a store logs in
 * once and reuses the token across reconciles until it nears expiry (then renews it or logs in again).
 */

export interface CachedToken {
  token: string;
  /** Epoch ms when the token expires; Infinity when it does not. */
  expiresAt: number;
  /** Length of the last granted lease, ms (0 = no expiry). */
  ttlMs: number;
  renewable: boolean;
}

const cache = new Map<string, CachedToken>();
const MAX_ENTRIES = 10_000;

export function getCachedToken(key: string): CachedToken | undefined {
  return cache.get(key);
}

export function setCachedToken(key: string, value: CachedToken): void {
  if (cache.size >= MAX_ENTRIES && !cache.has(key)) {
    const oldest = cache.keys().next().value;
    if (oldest !== undefined) cache.delete(oldest);
  }
  cache.set(key, value);
}

export function dropCachedToken(key: string, token?: string): void {
  if (token === undefined || cache.get(key)?.token === token) cache.delete(key);
}

export function clearTokenCache(): void {
  cache.clear();
}

/** True when the token should be refreshed: within a third of its lease (at most 60 s) of expiry. */
export function nearExpiry(t: CachedToken, now = Date.now()): boolean {
  if (!Number.isFinite(t.expiresAt)) return false;
  const margin = Math.min(60_000, t.ttlMs / 3);
  return t.expiresAt - now <= margin;
}
