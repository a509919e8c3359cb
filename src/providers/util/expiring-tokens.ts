/**
 * Bearer tokens obtained by a login, kept per store and credentials until shortly before they expire, so a store
 * logs in once per token lifetime rather than once per reconcile. Concurrent logins for one key share a request.
 */
import { createHash } from "node:crypto";

const MAX_ENTRIES = 10_000;
/** A token is reused for this share of its lifetime. */
const REUSE_SHARE = 0.9;

export interface IssuedToken {
  token: string;
  /** Lifetime in seconds as the service reported it (0 or absent: use once). */
  expiresInSeconds?: number;
  /** Instead of a reported lifetime: reuse the token for this long (services whose tokens carry no expiry). */
  reuseForMs?: number;
}

interface Entry {
  token: string;
  reuseUntil: number;
}

export class ExpiringTokenCache {
  private readonly tokens = new Map<string, Entry>();
  private readonly inflight = new Map<string, Promise<string>>();

  async get(key: string, login: () => Promise<IssuedToken>, now = Date.now()): Promise<string> {
    const hit = this.tokens.get(key);
    if (hit && now < hit.reuseUntil) return hit.token;
    const pending = this.inflight.get(key);
    if (pending) return pending;
    const p = login().then(
      (issued) => {
        this.inflight.delete(key);
        const life = issued.reuseForMs ?? (issued.expiresInSeconds ?? 0) * 1000 * REUSE_SHARE;
        if (life > 0) {
          if (this.tokens.size >= MAX_ENTRIES && !this.tokens.has(key)) {
            const oldest = this.tokens.keys().next().value;
            if (oldest !== undefined) this.tokens.delete(oldest);
          }
          this.tokens.set(key, { token: issued.token, reuseUntil: Date.now() + life });
        }
        return issued.token;
      },
      (err: unknown) => {
        this.inflight.delete(key);
        throw err;
      },
    );
    this.inflight.set(key, p);
    return p;
  }

  /** Forgets `token` under `key` (the service answered 401 to it). */
  drop(key: string, token: string): void {
    if (this.tokens.get(key)?.token === token) this.tokens.delete(key);
  }
}

/** A cache key for one set of credentials: the parts joined, the secret ones hashed so they are not kept whole. */
export function credentialKey(parts: string[], secrets: string[]): string {
  const h = createHash("sha256");
  for (const s of secrets) h.update(s).update("\0");
  return `${parts.join("\0")}\0${h.digest("hex")}`;
}
