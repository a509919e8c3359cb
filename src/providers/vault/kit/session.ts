/**
 * Authenticated Vault calls for one client: takes the token from the cache (or logs in once), renews it
 * when it nears expiry (falling back to a fresh login), and on a 403 with a login-based token drops it,
 * logs in again and retries the call once.
 */
import { ProviderAuthError } from "../../errors.js";
import type { AuthMethod, LoginResult } from "./auth/types.js";
import { type CachedToken, nearExpiry, type TokenCache } from "./token-cache.js";
import type { VaultHttp, VaultRequest, VaultResponse } from "./transport.js";

export class VaultSession {
  private staticToken: string | undefined;

  constructor(
    private readonly http: VaultHttp,
    private readonly auth: AuthMethod,
    private readonly tokens: TokenCache,
    private readonly cacheKey: string,
    /** X-Vault-Namespace for secret operations. */
    private readonly namespace: string | undefined,
    /** X-Vault-Namespace for login (auth.namespace, else namespace). */
    private readonly authNamespace: string | undefined,
  ) {
    if (auth.kind === "static") this.staticToken = auth.token;
  }

  private store(res: LoginResult): CachedToken {
    const ttlMs = res.ttlSeconds * 1000;
    const entry: CachedToken = {
      token: res.token,
      ttlMs,
      expiresAt: res.ttlSeconds > 0 ? Date.now() + ttlMs : Number.POSITIVE_INFINITY,
      renewable: res.renewable,
    };
    this.tokens.set(this.cacheKey, entry);
    return entry;
  }

  private async login(): Promise<string> {
    if (this.auth.kind !== "login") throw new Error("vault: static token cannot log in");
    return this.store(await this.auth.login(this.http, this.authNamespace)).token;
  }

  private async renew(current: CachedToken): Promise<string> {
    const res = await this.http.request({
      method: "POST",
      path: "auth/token/renew-self",
      token: current.token,
      namespace: this.authNamespace,
      body: current.ttlMs > 0 ? { increment: `${Math.round(current.ttlMs / 1000)}s` } : {},
    });
    const auth = res.body?.auth;
    if (res.status !== 200 || !auth?.client_token) return this.login();
    const renewed = this.store({
      token: String(auth.client_token),
      ttlSeconds: Number(auth.lease_duration ?? 0),
      renewable: auth.renewable === true,
    });
    // A renewal capped by the token's max TTL leaves too little time: log in afresh instead.
    if (nearExpiry(renewed)) return this.login();
    return renewed.token;
  }

  /** The token to use now. */
  async token(): Promise<string> {
    if (this.staticToken !== undefined) return this.staticToken;
    const cached = this.tokens.get(this.cacheKey);
    if (!cached) return this.login();
    if (!nearExpiry(cached)) return cached.token;
    if (cached.renewable && cached.expiresAt > Date.now()) return this.renew(cached);
    return this.login();
  }

  /** Sends an authenticated request; a 403 with a login token triggers one re-login and retry. */
  async request(
    req: Omit<VaultRequest, "token" | "namespace">,
    opts: { relogin?: boolean } = {},
  ): Promise<VaultResponse> {
    const token = await this.token();
    const res = await this.http.request({ ...req, token, namespace: this.namespace });
    if (res.status !== 403 || opts.relogin === false) return res;
    if (this.auth.kind === "static") {
      throw new ProviderAuthError(`vault: ${req.path}: permission denied (HTTP 403) for the token from tokenSecretRef`);
    }
    this.tokens.drop(this.cacheKey, token);
    const fresh = await this.login();
    const retry = await this.http.request({ ...req, token: fresh, namespace: this.namespace });
    if (retry.status === 403)
      throw new ProviderAuthError(
        `vault: ${req.path}: permission denied (HTTP 403) after re-login via ${this.auth.name}`,
      );
    return retry;
  }

  /** Checks the current token with lookup-self (store validation). */
  async lookupSelf(): Promise<VaultResponse> {
    const token = await this.token();
    return this.http.request({
      method: "GET",
      path: "auth/token/lookup-self",
      token,
      namespace: this.authNamespace ?? this.namespace,
    });
  }
}
