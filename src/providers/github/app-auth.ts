/**
 * The installation token a github store calls with: an App JWT signed with the store's private key, exchanged
 * for an installation token that is kept (per API base, App, installation and key) until 5 minutes before it
 * expires. Kept in the provider caches, so two stores with the same App share it and tenants with other keys never do.
 */
import { createHash } from "node:crypto";
import { ProviderAuthError, ProviderThrottledError, StoreConfigError } from "../errors.js";
import type { CacheKey } from "../provider.js";
import { createInstallationToken, GithubAppError, parseAppPrivateKey, signAppJwt } from "./kit/index.js";

const REFRESH_BEFORE_MS = 5 * 60_000;
/** GitHub's installation tokens live an hour; used when the answer has no expires_at. */
const DEFAULT_LIFETIME_MS = 60 * 60_000;

interface Kept {
  token: Promise<string>;
  expiresAt: number;
}

export const INSTALLATION_TOKENS: CacheKey<Map<string, Kept>> = {
  name: "github-installation-tokens",
  create: () => new Map(),
};

export interface InstallationAuth {
  base: string;
  appID: string;
  installationID: string;
  privateKey: Buffer;
  keyField: string;
  ca?: string;
  signal?: AbortSignal;
  timeoutMs: () => number;
  now?: () => number;
}

function cacheKey(a: InstallationAuth): string {
  return createHash("sha256").update(`${a.base}\n${a.appID}\n${a.installationID}\n`).update(a.privateKey).digest("hex");
}

function mapError(err: unknown): unknown {
  if (!(err instanceof GithubAppError)) return err;
  if (err.status === 0 && /private key|must be RSA/.test(err.message)) return new StoreConfigError(err.message);
  if (err.status === 401 || err.status === 403 || err.status === 404) return new ProviderAuthError(err.message);
  if (err.status === 429) return new ProviderThrottledError(err.message);
  return new Error(err.message);
}

/** A function returning a valid installation token, minting one when none is kept or it is about to expire. */
export function installationTokenSource(tokens: Map<string, Kept>, auth: InstallationAuth): () => Promise<string> {
  const now = auth.now ?? Date.now;
  const key = cacheKey(auth);
  return () => {
    const kept = tokens.get(key);
    if (kept && kept.expiresAt - REFRESH_BEFORE_MS > now()) return kept.token;
    const entry: Kept = { token: Promise.resolve(""), expiresAt: Number.POSITIVE_INFINITY };
    entry.token = (async () => {
      const pk = parseAppPrivateKey(auth.privateKey, auth.keyField);
      const t = await createInstallationToken({
        baseUrl: auth.base,
        installID: auth.installationID,
        appJwt: signAppJwt(auth.appID, pk, now()),
        ca: auth.ca,
        signal: auth.signal,
        timeoutMs: auth.timeoutMs(),
      });
      const expires = t.expiresAt ? Date.parse(t.expiresAt) : Number.NaN;
      entry.expiresAt = Number.isFinite(expires) ? expires : now() + DEFAULT_LIFETIME_MS;
      return t.token;
    })().catch((err) => {
      if (tokens.get(key) === entry) tokens.delete(key);
      throw mapError(err);
    });
    tokens.set(key, entry);
    return entry.token;
  };
}

/** Drops the kept token of `auth` (after GitHub refused it), so the next call mints a new one. */
export function forgetInstallationToken(tokens: Map<string, Kept>, auth: InstallationAuth): void {
  tokens.delete(cacheKey(auth));
}
