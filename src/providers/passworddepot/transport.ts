/**
 * The Password Depot server API calls this provider makes, at `https://<host>:8714/v1.0/` as upstream: a login
 * (`GET login` with `user`/`pass` headers) that yields an access token and client id, then `GET list` (the
 * databases), `GET list?db=<fp>[&folder=<fp>]` (a database's or folder's entries) and `GET read?db=<fp>&entry=<fp>`,
 * each sent with the `access_token` and `client_id` headers.
 */
import { capTimeout } from "../../runtime/deadline.js";
import { ProviderAuthError } from "../errors.js";
import type { CacheKey } from "../provider.js";
import { credentialKey, ExpiringTokenCache } from "../util/expiring-tokens.js";
import { type HttpResponse, httpRequest, jsonBody, statusError } from "../util/http-client.js";

/** The operator (never a store) may send every call to another base URL, e.g. a local test server. */
export const PASSWORDDEPOT_API_URL_ENV = "PASSWORDDEPOT_API_URL";
export const PASSWORDDEPOT_PORT = "8714";
const CALL_TIMEOUT_MS = 30_000;
/** Logins carry no lifetime; one is reused this long (a 401 forces a new one sooner). */
const SESSION_REUSE_MS = 5 * 60_000;

export const PASSWORDDEPOT_SESSIONS: CacheKey<ExpiringTokenCache> = {
  name: "passworddepot-sessions",
  create: () => new ExpiringTokenCache(),
};

export interface PdDatabase {
  name?: string;
  fingerprint?: string;
}

export interface PdEntry {
  name?: string;
  fingerprint?: string;
}

/** An entry as `read` returns it: string fields (and a date) named as upstream's SecretEntry. */
export type PdSecretEntry = Record<string, unknown>;

export function passwordDepotBaseUrl(host: string): string {
  const override = process.env[PASSWORDDEPOT_API_URL_ENV];
  if (override) return `${override.replace(/\/+$/, "")}/v1.0`;
  return `https://${host}:${PASSWORDDEPOT_PORT}/v1.0`;
}

interface Session {
  accessToken: string;
  clientID: string;
}

export class PasswordDepotApi {
  private readonly cacheKey: string;

  constructor(
    private readonly base: string,
    private readonly username: string,
    private readonly password: string,
    private readonly sessions: ExpiringTokenCache,
    private readonly signal?: AbortSignal,
    private readonly deadline?: number,
  ) {
    this.cacheKey = credentialKey([base, username], [password]);
  }

  private async get(path: string, what: string, headers: Record<string, string>): Promise<HttpResponse> {
    try {
      return await httpRequest({
        url: `${this.base}/${path}`,
        headers: { accept: "application/json", ...headers },
        signal: this.signal,
        timeoutMs: capTimeout(CALL_TIMEOUT_MS, this.deadline),
        what: "passworddepot response",
      });
    } catch (err) {
      throw new Error(`passworddepot: ${what}: request failed: ${(err as Error).message}`);
    }
  }

  private async login(): Promise<{ token: string; reuseForMs: number }> {
    const what = "login";
    const res = await this.get("login", what, { user: this.username, pass: this.password });
    if (res.status >= 300) {
      if (res.status === 429 || res.status >= 500) throw statusError("passworddepot", what, res.status);
      throw new ProviderAuthError(
        `passworddepot: ${what}: failed to authenticate with the given credentials (HTTP ${res.status})`,
      );
    }
    const data = jsonBody<{ access_token?: unknown; client_id?: unknown }>(res, "passworddepot", what);
    if (typeof data.access_token !== "string" || !data.access_token) {
      throw new ProviderAuthError(`passworddepot: ${what}: the answer carries no access token`);
    }
    const session: Session = { accessToken: data.access_token, clientID: String(data.client_id ?? "") };
    return { token: JSON.stringify(session), reuseForMs: SESSION_REUSE_MS };
  }

  private async authorized<T>(path: string, what: string): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const raw = await this.sessions.get(this.cacheKey, () => this.login());
      const s = JSON.parse(raw) as Session;
      const res = await this.get(path, what, { access_token: s.accessToken, client_id: s.clientID });
      if (res.status === 401 && attempt === 0) {
        this.sessions.drop(this.cacheKey, raw);
        continue;
      }
      if (res.status >= 300) throw statusError("passworddepot", what, res.status);
      return jsonBody<T>(res, "passworddepot", what);
    }
  }

  async databases(): Promise<PdDatabase[]> {
    const body = await this.authorized<{ databases?: PdDatabase[] }>("list", "list databases");
    return body.databases ?? [];
  }

  async entries(dbFingerprint: string, folder?: string): Promise<PdEntry[]> {
    const q = new URLSearchParams({ db: dbFingerprint });
    if (folder) q.set("folder", folder);
    const body = await this.authorized<{ entries?: PdEntry[] }>(`list?${q}`, "list entries");
    return body.entries ?? [];
  }

  async read(dbFingerprint: string, entryFingerprint: string, what: string): Promise<PdSecretEntry> {
    const q = new URLSearchParams({ db: dbFingerprint, entry: entryFingerprint });
    return this.authorized<PdSecretEntry>(`read?${q}`, what);
  }
}
