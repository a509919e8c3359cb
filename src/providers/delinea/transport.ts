/**
 * The Delinea DevOps Secrets Vault REST API calls this provider makes: a client-credentials token from
 * `<base>/token`, then `GET <base>/secrets/<path>` with it. URLs come from the store's urlTemplate, filled in as
 * upstream's SDK does (tenant, tld, resource, "/path").
 */
import { capTimeout } from "../../runtime/deadline.js";
import { ProviderAuthError } from "../errors.js";
import type { CacheKey } from "../provider.js";
import { credentialKey, ExpiringTokenCache } from "../util/expiring-tokens.js";
import { type HttpResponse, httpRequest, jsonBody, statusError } from "../util/http-client.js";

export const DEFAULT_URL_TEMPLATE = "https://%s.secretsvaultcloud.%s/v1/%s%s";
export const DEFAULT_TLD = "com";
const CALL_TIMEOUT_MS = 30_000;
const WHAT = "delinea response";

export const DSV_TOKENS: CacheKey<ExpiringTokenCache> = {
  name: "delinea-dsv-tokens",
  create: () => new ExpiringTokenCache(),
};

/** A DSV secret as the API returns it; `data` holds the values. */
export interface DsvSecret {
  id?: string;
  path?: string;
  attributes?: Record<string, unknown>;
  data?: Record<string, unknown> | null;
}

export interface DsvConfig {
  tenant: string;
  tld: string;
  urlTemplate: string;
  clientId: string;
  clientSecret: string;
}

/** Go's fmt.Sprintf for the template's %s verbs (a literal %% stays one %). */
export function fillTemplate(template: string, args: string[]): string {
  let i = 0;
  return template.replace(/%[s%]/g, (verb) => (verb === "%%" ? "%" : (args[i++] ?? "%!s(MISSING)")));
}

export class DsvApi {
  private readonly cacheKey: string;

  constructor(
    private readonly cfg: DsvConfig,
    private readonly tokens: ExpiringTokenCache,
    private readonly signal?: AbortSignal,
    private readonly deadline?: number,
  ) {
    this.cacheKey = credentialKey([cfg.urlTemplate, cfg.tenant, cfg.tld, cfg.clientId], [cfg.clientSecret]);
  }

  urlFor(resource: string, path: string): string {
    const p = path ? `/${path.replace(/^\/+/, "")}` : "";
    return fillTemplate(this.cfg.urlTemplate, [this.cfg.tenant, this.cfg.tld, resource, p]);
  }

  private async send(method: string, url: string, what: string, headers: Record<string, string>, body?: string) {
    try {
      return await httpRequest({
        method,
        url,
        headers: { accept: "application/json", ...headers },
        body,
        signal: this.signal,
        timeoutMs: capTimeout(CALL_TIMEOUT_MS, this.deadline),
        what: WHAT,
      });
    } catch (err) {
      throw new Error(`delinea: ${what}: request failed: ${(err as Error).message}`);
    }
  }

  /** POST <base>/token with the client credentials. */
  private async login(): Promise<{ token: string; expiresInSeconds?: number }> {
    const what = "client credentials login";
    const body = JSON.stringify({
      grant_type: "client_credentials",
      client_id: this.cfg.clientId,
      client_secret: this.cfg.clientSecret,
    });
    const res = await this.send("POST", this.urlFor("token", ""), what, { "content-type": "application/json" }, body);
    // OAuth answers 400 (invalid_client) to credentials it does not know.
    if (res.status === 400) throw new ProviderAuthError(`delinea: ${what}: authentication failed (HTTP 400)`);
    if (res.status >= 300) throw statusError("delinea", what, res.status);
    const grant = jsonBody<{ accessToken?: string; expiresIn?: number }>(res, "delinea", what);
    if (!grant.accessToken) throw new ProviderAuthError(`delinea: ${what}: the answer carries no access token`);
    return { token: grant.accessToken, expiresInSeconds: grant.expiresIn };
  }

  token(): Promise<string> {
    return this.tokens.get(this.cacheKey, () => this.login());
  }

  private async authorized(method: string, url: string, what: string): Promise<HttpResponse> {
    for (let attempt = 0; ; attempt++) {
      const token = await this.token();
      const res = await this.send(method, url, what, { authorization: `Bearer ${token}` });
      // A cached token revoked before its expiry: log in again once.
      if (res.status === 401 && attempt === 0) {
        this.tokens.drop(this.cacheKey, token);
        continue;
      }
      if (res.status >= 300) throw statusError("delinea", what, res.status);
      return res;
    }
  }

  /** GET <base>/secrets/<path>. */
  async secret(path: string): Promise<DsvSecret> {
    const what = `secret ${JSON.stringify(path)}`;
    const res = await this.authorized("GET", this.urlFor("secrets", path), what);
    return jsonBody<DsvSecret>(res, "delinea", what);
  }
}
