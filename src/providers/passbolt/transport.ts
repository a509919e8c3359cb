/**
 * The Passbolt API (v2 JSON envelope) calls this provider makes. Login is GPGAuth, as upstream's go-passbolt:
 * POST /auth/login.json with the key's fingerprint, the server answers a token encrypted for the user's key in
 * X-GPGAuth-User-Auth-Token, the decrypted token is posted back, and the passbolt_session cookie carries the
 * session. Errors name the call and the HTTP status, never a token, cookie, key or response body.
 */
import { NoSecretError, ProviderAuthError, ProviderThrottledError } from "../errors.js";
import { type HttpResponse, httpRequest } from "../util/http-client.js";
import type { UserKey } from "./pgp.js";

const MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

export interface PassboltResource {
  id: string;
  name?: string;
  username?: string;
  uri?: string;
  description?: string;
  resource_type_id?: string;
}

export interface PassboltTarget {
  host: string;
  ca?: string;
  timeoutMs: number;
  signal?: AbortSignal;
}

function statusError(what: string, status: number): Error {
  if (status === 401 || status === 403)
    return new ProviderAuthError(`passbolt: ${what}: authentication failed (HTTP ${status})`);
  if (status === 404) return new NoSecretError(`passbolt: ${what}: not found (HTTP 404)`);
  if (status === 429) return new ProviderThrottledError(`passbolt: ${what}: rate limited (HTTP 429)`);
  return new Error(`passbolt: ${what}: HTTP ${status}`);
}

export class PassboltApi {
  private readonly base: string;
  private readonly cookies = new Map<string, string>();

  constructor(private readonly target: PassboltTarget) {
    this.base = target.host.replace(/\/+$/, "");
  }

  private async send(method: string, path: string, what: string, body?: unknown): Promise<HttpResponse> {
    const sep = path.includes("?") ? "&" : "?";
    const headers: Record<string, string> = { accept: "application/json" };
    if (body !== undefined) headers["content-type"] = "application/json";
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    const csrf = this.cookies.get("csrfToken");
    if (csrf && method !== "GET") headers["x-csrf-token"] = csrf;
    let res: HttpResponse;
    try {
      res = await httpRequest({
        method,
        url: `${this.base}${path}${sep}api-version=v2`,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        ca: this.target.ca,
        timeoutMs: this.target.timeoutMs,
        signal: this.target.signal,
        maxBytes: MAX_RESPONSE_BYTES,
        what: "passbolt response",
      });
    } catch (err) {
      if (this.target.signal?.aborted) throw new Error(`passbolt: ${what}: aborted`);
      throw new Error(`passbolt: ${what}: request failed: ${(err as Error).message}`);
    }
    const set = res.headers["set-cookie"];
    for (const c of set ?? []) {
      const [pair] = c.split(";");
      const eq = pair!.indexOf("=");
      if (eq > 0) this.cookies.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1).trim());
    }
    return res;
  }

  private async body<T>(method: string, path: string, what: string): Promise<T> {
    const res = await this.send(method, path, what);
    if (res.status < 200 || res.status >= 300) throw statusError(what, res.status);
    try {
      return (JSON.parse(res.body.toString("utf8")) as { body: T }).body;
    } catch {
      throw new Error(`passbolt: ${what}: response is not valid JSON`);
    }
  }

  /** GPGAuth: two POSTs to /auth/login.json, then /users/me.json for the CSRF token. */
  async login(key: UserKey): Promise<void> {
    this.cookies.clear();
    const keyid = key.fingerprint;
    const stage1 = await this.send("POST", "/auth/login.json", "login", { gpg_auth: { keyid } });
    const header = stage1.headers["x-gpgauth-user-auth-token"];
    const encrypted = Array.isArray(header) ? header[0] : header;
    if (!encrypted) {
      if (stage1.status >= 500 || stage1.status === 429) throw statusError("login", stage1.status);
      throw new ProviderAuthError(`passbolt: login: the server knows no user for this key (HTTP ${stage1.status})`);
    }
    const armored = decodeURIComponent(encrypted.replace(/\+/g, " ")).replaceAll("\\ ", " ");
    const token = await key.decrypt(armored, "login token");
    if (!/^gpgauthv1\.3\.0\|36\|[0-9a-fA-F-]{36}\|gpgauthv1\.3\.0$/.test(token)) {
      throw new ProviderAuthError("passbolt: login: the server's login token is malformed");
    }
    const stage2 = await this.send("POST", "/auth/login.json", "login", {
      gpg_auth: { keyid, user_token_result: token },
    });
    if (stage2.status < 200 || stage2.status >= 300)
      throw statusError("login", stage2.status === 400 ? 401 : stage2.status);
    if (!this.cookies.has("passbolt_session"))
      throw new ProviderAuthError("passbolt: login: no session cookie was set");
    await this.body("GET", "/users/me.json", "get current user");
  }

  async isAuthenticated(): Promise<boolean> {
    if (!this.cookies.has("passbolt_session")) return false;
    const res = await this.send("GET", "/auth/is-authenticated.json", "check session");
    return res.status === 200;
  }

  async logout(): Promise<void> {
    if (!this.cookies.has("passbolt_session")) return;
    try {
      await this.send("GET", "/auth/logout.json", "logout");
    } finally {
      this.cookies.clear();
    }
  }

  resources(): Promise<PassboltResource[]> {
    return this.body("GET", "/resources.json", "list resources");
  }

  resource(id: string): Promise<PassboltResource> {
    return this.body("GET", `/resources/${encodeURIComponent(id)}.json`, `get resource "${id}"`);
  }

  resourceType(id: string): Promise<{ id: string; slug: string }> {
    return this.body("GET", `/resource-types/${encodeURIComponent(id)}.json`, `get resource type of "${id}"`);
  }

  secret(resourceId: string): Promise<{ data: string }> {
    return this.body(
      "GET",
      `/secrets/resource/${encodeURIComponent(resourceId)}.json`,
      `get secret of "${resourceId}"`,
    );
  }
}
