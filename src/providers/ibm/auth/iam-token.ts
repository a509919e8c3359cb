/**
 * IBM Cloud IAM: an API key or a compute-resource token exchanged at `<iamEndpoint>/identity/token` for a
 * bearer access token, kept in the provider caches until shortly before it expires.
 */
import { createHash } from "node:crypto";
import { capTimeout } from "../../../runtime/deadline.js";
import { ProviderAuthError } from "../../errors.js";
import type { CacheKey } from "../../provider.js";
import { httpRequest, jsonBody, statusError } from "../../util/http-client.js";

export const DEFAULT_IAM_ENDPOINT = "https://iam.cloud.ibm.com";

/** The form fields of one IAM grant (they carry the credential: never logged, only hashed for the cache key). */
export type IamGrant = { kind: "apikey"; apikey: string } | { kind: "cr-token"; crToken: string; profile: string };

interface CachedIamToken {
  token: string;
  expiresAt: number;
}

const MAX_ENTRIES = 1000;

export class IamTokenCache {
  private readonly tokens = new Map<string, CachedIamToken>();

  get(key: string, now = Date.now()): string | undefined {
    const t = this.tokens.get(key);
    if (!t) return undefined;
    // Refresh a minute early so a token never expires in flight.
    if (t.expiresAt - now <= 60_000) {
      this.tokens.delete(key);
      return undefined;
    }
    return t.token;
  }

  set(key: string, value: CachedIamToken): void {
    if (this.tokens.size >= MAX_ENTRIES && !this.tokens.has(key)) {
      const oldest = this.tokens.keys().next().value;
      if (oldest !== undefined) this.tokens.delete(oldest);
    }
    this.tokens.set(key, value);
  }

  drop(key: string): void {
    this.tokens.delete(key);
  }
}

export const IBM_IAM_TOKENS: CacheKey<IamTokenCache> = { name: "ibm-iam-tokens", create: () => new IamTokenCache() };

function form(grant: IamGrant): string {
  const p = new URLSearchParams();
  if (grant.kind === "apikey") {
    p.set("grant_type", "urn:ibm:params:oauth:grant-type:apikey");
    p.set("apikey", grant.apikey);
  } else {
    p.set("grant_type", "urn:ibm:params:oauth:grant-type:cr-token");
    p.set("cr_token", grant.crToken);
    p.set("profile_name", grant.profile);
  }
  return p.toString();
}

export function iamCacheKey(endpoint: string, grant: IamGrant): string {
  const secret = grant.kind === "apikey" ? grant.apikey : `${grant.profile}\n${grant.crToken}`;
  return `${endpoint}\n${grant.kind}\n${createHash("sha256").update(secret).digest("hex")}`;
}

export interface IamExchangeOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  /** Epoch ms of the reconcile deadline, which caps timeoutMs. */
  deadline?: number;
}

/** One token exchange; 400/401/403 are authentication failures (IAM answers 400 for an unknown API key). */
export async function exchangeIamToken(
  endpoint: string,
  grant: IamGrant,
  opts: IamExchangeOptions = {},
): Promise<{ token: string; expiresAt: number }> {
  const what = grant.kind === "apikey" ? "IAM token for the API key" : "IAM token for the trusted profile";
  let res: Awaited<ReturnType<typeof httpRequest>>;
  try {
    res = await httpRequest({
      method: "POST",
      url: `${endpoint.replace(/\/+$/, "")}/identity/token`,
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
      body: form(grant),
      signal: opts.signal,
      timeoutMs: capTimeout(opts.timeoutMs ?? 30_000, opts.deadline),
      maxBytes: 1024 * 1024,
      what: "ibm iam response",
    });
  } catch (err) {
    throw new Error(`ibm: ${what}: request failed: ${(err as Error).message}`);
  }
  if (res.status === 400) throw new ProviderAuthError(`ibm: ${what}: authentication failed (HTTP 400)`);
  if (res.status >= 300) throw statusError("ibm", what, res.status);
  const body = jsonBody<{ access_token?: string; expires_in?: number; expiration?: number }>(res, "ibm", what);
  if (!body.access_token) throw new ProviderAuthError(`ibm: ${what}: authentication failed (no access_token)`);
  const expiresAt = body.expiration
    ? body.expiration * 1000
    : Date.now() + (body.expires_in && body.expires_in > 0 ? body.expires_in * 1000 : 3600_000);
  return { token: body.access_token, expiresAt };
}

/** A bearer token source for one store: cached between clients, exchanged again after a 401. */
export class IamTokenSource {
  private readonly key: string;

  constructor(
    private readonly endpoint: string,
    private readonly grant: IamGrant,
    private readonly cache: IamTokenCache,
    private readonly opts: IamExchangeOptions,
  ) {
    this.key = iamCacheKey(endpoint, grant);
  }

  async token(): Promise<string> {
    const cached = this.cache.get(this.key);
    if (cached) return cached;
    const fresh = await exchangeIamToken(this.endpoint, this.grant, this.opts);
    this.cache.set(this.key, fresh);
    return fresh.token;
  }

  invalidate(): void {
    this.cache.drop(this.key);
  }
}
