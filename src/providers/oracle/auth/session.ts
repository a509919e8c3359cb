/**
 * A signer for OCI session tokens (instance and resource principals): a fresh RSA session key pair per
 * token, the token obtained by a federation call that receives the public key, refreshed at half its life.
 * Signers are shared between clients through the provider caches.
 */
import { generateKeyPairSync, type KeyObject } from "node:crypto";
import { unverifiedJwtClaims } from "../../../util/jwt-claims.js";
import type { CacheKey } from "../../provider.js";
import type { RequestSigner } from "../signer.js";

export interface SessionKeys {
  privateKey: KeyObject;
  /** SPKI PEM of the public half, sent to the federation endpoint. */
  publicPem: string;
}

export type FetchToken = (keys: SessionKeys) => Promise<string>;

/** The `exp` claim of a session token (a JWT), in epoch ms; one hour from now when it has none. */
export function tokenExpiry(token: string, now = Date.now()): number {
  const exp = unverifiedJwtClaims(token)?.exp;
  return typeof exp === "number" ? exp * 1000 : now + 3600_000;
}

export class SessionSigner implements RequestSigner {
  private current?: { token: string; key: KeyObject; refreshAt: number };
  private pending?: Promise<{ token: string; key: KeyObject; refreshAt: number }>;

  constructor(private fetchToken: FetchToken) {}

  /** The newest way to obtain a token (it carries the latest request signal and credentials). */
  use(fetchToken: FetchToken): this {
    this.fetchToken = fetchToken;
    return this;
  }

  async credentials(): Promise<{ keyId: string; key: KeyObject }> {
    const now = Date.now();
    if (!this.current || now >= this.current.refreshAt) {
      this.pending ??= this.refresh().finally(() => {
        this.pending = undefined;
      });
      this.current = await this.pending;
    }
    return { keyId: `ST$${this.current.token}`, key: this.current.key };
  }

  invalidate(): void {
    this.current = undefined;
  }

  private async refresh(): Promise<{ token: string; key: KeyObject; refreshAt: number }> {
    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const publicPem = publicKey.export({ type: "spki", format: "pem" }).toString();
    const token = await this.fetchToken({ privateKey, publicPem });
    const now = Date.now();
    return { token, key: privateKey, refreshAt: now + (tokenExpiry(token, now) - now) / 2 };
  }
}

const MAX_SIGNERS = 1000;

/** Session signers by identity (instance principal per region, workload identity per ServiceAccount). */
export class SessionSigners {
  private readonly signers = new Map<string, SessionSigner>();

  get(key: string, fetchToken: FetchToken): SessionSigner {
    const found = this.signers.get(key);
    if (found) return found.use(fetchToken);
    if (this.signers.size >= MAX_SIGNERS) {
      const oldest = this.signers.keys().next().value;
      if (oldest !== undefined) this.signers.delete(oldest);
    }
    const s = new SessionSigner(fetchToken);
    this.signers.set(key, s);
    return s;
  }
}

export const ORACLE_SESSIONS: CacheKey<SessionSigners> = {
  name: "oracle-sessions",
  create: () => new SessionSigners(),
};
