/**
 * The Devolutions Server REST calls this provider makes: application login (form AppKey/AppSecret, answering a
 * TokenId sent back as the `tokenId` header) and one vault entry by id (get, update, delete).
 */
import { ProviderAuthError } from "../errors.js";
import { credentialKey, type ExpiringTokenCache } from "../util/expiring-tokens.js";
import { type HttpResponse, httpRequest, jsonBody, statusError } from "../util/http-client.js";

/** The server gives no lifetime with the token; one login serves a store for this long (or until a 401). */
const TOKEN_REUSE_MS = 5 * 60_000;

export interface DvlsEntry {
  id?: string;
  vaultId?: string;
  name?: string;
  path?: string;
  type?: string;
  subType?: string;
  description?: string;
  tags?: string[];
  data?: Record<string, unknown> | null;
}

export interface DvlsOptions {
  serverUrl: string;
  appId: string;
  appSecret: string;
  tokens: ExpiringTokenCache;
  timeoutMs: number;
  signal?: AbortSignal;
}

export class DvlsApi {
  private readonly base: string;
  private readonly cacheKey: string;

  constructor(private readonly opts: DvlsOptions) {
    this.base = opts.serverUrl.replace(/\/+$/, "");
    this.cacheKey = credentialKey([this.base, opts.appId], [opts.appSecret]);
  }

  private async send(
    method: string,
    path: string,
    what: string,
    headers: Record<string, string>,
    body?: string,
  ): Promise<HttpResponse> {
    try {
      return await httpRequest({
        method,
        url: `${this.base}${path}`,
        headers: { accept: "application/json", ...headers },
        body,
        timeoutMs: this.opts.timeoutMs,
        signal: this.opts.signal,
        what: "dvls response",
      });
    } catch (err) {
      throw new Error(`dvls: ${what}: request failed: ${(err as Error).message}`);
    }
  }

  private async login(): Promise<string> {
    const form = new URLSearchParams({ AppKey: this.opts.appId, AppSecret: this.opts.appSecret }).toString();
    const what = "application login";
    const res = await this.send(
      "POST",
      "/api/v1/login",
      what,
      { "content-type": "application/x-www-form-urlencoded" },
      form,
    );
    if (res.status !== 200 && res.status !== 201) throw statusError("dvls", what, res.status);
    const token = jsonBody<{ TokenId?: unknown }>(res, "dvls", what)?.TokenId;
    if (typeof token !== "string" || !token) {
      throw new ProviderAuthError(`dvls: ${what}: authentication failed (no token issued)`);
    }
    return token;
  }

  private token(): Promise<string> {
    return this.opts.tokens.get(this.cacheKey, async () => ({ token: await this.login(), reuseForMs: TOKEN_REUSE_MS }));
  }

  /** One authenticated call; a 401 drops the cached login and retries once with a fresh one. */
  private async call(method: string, path: string, what: string, body?: unknown): Promise<HttpResponse> {
    const headers = (token: string): Record<string, string> => ({
      tokenId: token,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    });
    const payload = body === undefined ? undefined : JSON.stringify(body);
    let token = await this.token();
    let res = await this.send(method, path, what, headers(token), payload);
    if (res.status === 401) {
      this.opts.tokens.drop(this.cacheKey, token);
      token = await this.token();
      res = await this.send(method, path, what, headers(token), payload);
    }
    if (res.status !== 200 && res.status !== 201 && res.status !== 204) throw statusError("dvls", what, res.status);
    return res;
  }

  /** Logs in (or reuses the login): store readiness. */
  async checkLogin(): Promise<void> {
    await this.token();
  }

  private static entryPath(vaultId: string, entryId: string): string {
    return `/api/v1/vault/${encodeURIComponent(vaultId)}/entry/${encodeURIComponent(entryId)}`;
  }

  async getEntry(vaultId: string, entryId: string): Promise<DvlsEntry> {
    const what = `get entry ${entryId} in vault ${vaultId}`;
    const res = await this.call("GET", DvlsApi.entryPath(vaultId, entryId), what);
    return { ...jsonBody<DvlsEntry>(res, "dvls", what), vaultId };
  }

  async updateEntry(entry: DvlsEntry & { id: string; vaultId: string }): Promise<void> {
    const body = {
      name: entry.name ?? "",
      ...(entry.description ? { description: entry.description } : {}),
      ...(entry.path ? { path: entry.path } : {}),
      ...(entry.tags?.length ? { tags: entry.tags } : {}),
      data: entry.data ?? {},
    };
    await this.call(
      "PUT",
      DvlsApi.entryPath(entry.vaultId, entry.id),
      `update entry ${entry.id} in vault ${entry.vaultId}`,
      body,
    );
  }

  async deleteEntry(vaultId: string, entryId: string): Promise<void> {
    await this.call("DELETE", DvlsApi.entryPath(vaultId, entryId), `delete entry ${entryId} in vault ${vaultId}`);
  }
}
