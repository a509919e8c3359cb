/**
 * Infisical access tokens obtained by login, and project ids resolved from slugs, kept between clients in the
 * provider caches: a store logs in once and reuses its token until it nears expiry. Keys are sha256 digests of
 * the host and the credentials (never the credentials themselves), so two stores share a token only when they
 * would log in with the very same proof at the very same host.
 */
import { createHash } from "node:crypto";
import type { CacheKey } from "../provider.js";

const MAX_ENTRIES = 10_000;

interface CachedLogin {
  token: string;
  /** Epoch ms; Infinity when the login gave no lifetime. */
  expiresAt: number;
  ttlMs: number;
}

class BoundedMap<V> {
  private readonly map = new Map<string, V>();
  get(key: string): V | undefined {
    return this.map.get(key);
  }
  set(key: string, value: V): void {
    if (this.map.size >= MAX_ENTRIES && !this.map.has(key)) {
      const oldest = this.map.keys().next().value;
      if (oldest !== undefined) this.map.delete(oldest);
    }
    this.map.set(key, value);
  }
  delete(key: string): void {
    this.map.delete(key);
  }
}

export class InfisicalLoginCache {
  private readonly logins = new BoundedMap<CachedLogin>();
  private readonly pending = new Map<string, Promise<string>>();
  readonly projectIds = new BoundedMap<string>();

  /** A live token under `key`, or the one `login` returns (concurrent callers share one login). */
  async token(key: string, login: () => Promise<{ accessToken: string; expiresIn?: number }>): Promise<string> {
    const hit = this.logins.get(key);
    if (hit && !nearExpiry(hit)) return hit.token;
    let p = this.pending.get(key);
    if (!p) {
      p = login()
        .then((r) => {
          const ttlMs = r.expiresIn && r.expiresIn > 0 ? r.expiresIn * 1000 : 0;
          this.logins.set(key, {
            token: r.accessToken,
            ttlMs,
            expiresAt: ttlMs ? Date.now() + ttlMs : Number.POSITIVE_INFINITY,
          });
          return r.accessToken;
        })
        .finally(() => this.pending.delete(key));
      this.pending.set(key, p);
    }
    return p;
  }

  /** Forgets the token under `key` if it is still `token` (the API refused it). */
  drop(key: string, token: string): void {
    if (this.logins.get(key)?.token === token) this.logins.delete(key);
  }
}

function nearExpiry(t: CachedLogin, now = Date.now()): boolean {
  if (!Number.isFinite(t.expiresAt)) return false;
  return t.expiresAt - now <= Math.min(60_000, t.ttlMs / 3);
}

export const INFISICAL_LOGINS: CacheKey<InfisicalLoginCache> = {
  name: "infisical-logins",
  create: () => new InfisicalLoginCache(),
};

/** A digest of the parts, for cache keys: credentials never appear in a key. */
export function digest(...parts: string[]): string {
  return createHash("sha256").update(JSON.stringify(parts)).digest("hex");
}
