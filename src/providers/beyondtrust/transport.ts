/**
 * The BeyondTrust Password Safe public REST API calls this provider makes. A session is opened with
 * POST Auth/SignAppin (an API key in a `PS-Auth` header, or a bearer token from Auth/connect/token) and lives in
 * the server's session cookie, which every later call sends; POST Auth/Signout ends it. Requests may carry a
 * client certificate (mTLS) and may skip server verification when the store says verifyCA: false.
 * Errors name the call and the HTTP status, never a key, token, cookie or response body.
 */
import { request as httpRequestRaw } from "node:http";
import { request as httpsRequestRaw } from "node:https";
import { NoSecretError, ProviderAuthError, ProviderThrottledError } from "../errors.js";
import { readBoundedMessage } from "../util/bounded-body.js";

/** Password Safe answers are small; a file secret is at most 5 MB upstream. */
const MAX_RESPONSE_BYTES = 6 * 1024 * 1024;

export interface PasswordSafeTarget {
  /** The API URL as configured, e.g. https://host/BeyondTrust/api/public/v3. */
  apiUrl: string;
  /** Sent as the `version` query parameter of Secrets Safe calls when set. */
  apiVersion?: string;
  timeoutMs: number;
  verifyCA: boolean;
  /** PEM client certificate and key for mTLS. */
  cert?: string;
  key?: string;
  signal?: AbortSignal;
}

export type SignInCredentials =
  | { kind: "apiKey"; apiKey: string }
  | { kind: "oauth"; clientId: string; clientSecret: string };

/** The signed-in user (SignAppin's answer), used as the default owner of pushed secrets. */
export interface SignedInUser {
  UserId?: number;
  UserName?: string;
  Name?: string;
  EmailAddress?: string;
}

export interface ManagedAccount {
  SystemId: number;
  AccountId: number;
}

export interface SafeSecret {
  Id: string;
  Title?: string;
  SecretType?: string;
  Password?: string;
  Text?: string;
}

export interface SafeFolder {
  Id: string;
  Name: string;
}

interface Response {
  status: number;
  body: Buffer;
  setCookie?: string[];
}

export class PasswordSafeApi {
  private readonly base: string;
  private cookies = new Map<string, string>();
  user?: SignedInUser;

  constructor(private readonly target: PasswordSafeTarget) {
    this.base = target.apiUrl.replace(/\/+$/, "");
  }

  private send(
    method: string,
    path: string,
    what: string,
    body?: { type: string; data: string | Buffer },
    auth?: string,
  ) {
    const url = new URL(`${this.base}/${path}`);
    const isHttps = url.protocol === "https:";
    const headers: Record<string, string> = { accept: "application/json" };
    if (auth) headers.authorization = auth;
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    const data = body ? Buffer.from(body.data) : undefined;
    if (body && data) {
      headers["content-type"] = body.type;
      headers["content-length"] = String(data.length);
    }
    const send = isHttps ? httpsRequestRaw : httpRequestRaw;
    const tls = isHttps
      ? {
          rejectUnauthorized: this.target.verifyCA,
          ...(this.target.cert ? { cert: this.target.cert, key: this.target.key } : {}),
        }
      : {};
    return new Promise<Response>((resolve, reject) => {
      const fail = (e: Error) => {
        clearTimeout(timer);
        reject(
          this.target.signal?.aborted
            ? new Error(`beyondtrust: ${what}: aborted`)
            : new Error(`beyondtrust: ${what}: request failed: ${e.message}`),
        );
      };
      const r = send(url, { method, headers, signal: this.target.signal, ...tls }, (res) => {
        readBoundedMessage(res, MAX_RESPONSE_BYTES, "beyondtrust response").then((b) => {
          clearTimeout(timer);
          const sc = res.headers["set-cookie"];
          resolve({ status: res.statusCode ?? 0, body: b, setCookie: sc });
        }, fail);
      });
      const timer = setTimeout(
        () => r.destroy(new Error(`timed out after ${this.target.timeoutMs}ms`)),
        this.target.timeoutMs,
      );
      r.on("error", fail);
      if (data) r.write(data);
      r.end();
    });
  }

  private keepCookies(res: Response) {
    for (const c of res.setCookie ?? []) {
      const [pair] = c.split(";");
      const eq = pair!.indexOf("=");
      if (eq > 0) this.cookies.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1).trim());
    }
  }

  private async call(method: string, path: string, what: string, body?: { type: string; data: string | Buffer }) {
    const res = await this.send(method, path, what, body);
    this.keepCookies(res);
    if (res.status < 200 || res.status >= 300) throw statusError(what, res.status);
    return res.body;
  }

  private json<T>(body: Buffer, what: string): T {
    try {
      return JSON.parse(body.toString("utf8")) as T;
    } catch {
      throw new Error(`beyondtrust: ${what}: response is not valid JSON`);
    }
  }

  /** Opens the session: an OAuth token first for client credentials, then SignAppin. */
  async signIn(creds: SignInCredentials): Promise<SignedInUser> {
    let auth: string;
    if (creds.kind === "apiKey") {
      auth = `PS-Auth key=${creds.apiKey};`;
    } else {
      const form = new URLSearchParams({
        client_id: creds.clientId,
        client_secret: creds.clientSecret,
        grant_type: "client_credentials",
      }).toString();
      const res = await this.send("POST", "Auth/connect/token", "get OAuth token", {
        type: "application/x-www-form-urlencoded",
        data: form,
      });
      if (res.status < 200 || res.status >= 300) throw statusError("get OAuth token", res.status, true);
      const token = this.json<{ access_token?: string }>(res.body, "get OAuth token").access_token;
      if (!token) throw new ProviderAuthError("beyondtrust: get OAuth token: response carries no access_token");
      auth = `Bearer ${token}`;
    }
    const res = await this.send("POST", "Auth/SignAppin", "sign in", { type: "application/json", data: "" }, auth);
    this.keepCookies(res);
    if (res.status < 200 || res.status >= 300) throw statusError("sign in", res.status, true);
    this.user = this.json<SignedInUser>(res.body, "sign in");
    return this.user;
  }

  async signOut(): Promise<void> {
    if (!this.cookies.size) return;
    try {
      await this.call("POST", "Auth/Signout", "sign out", { type: "application/json", data: "" });
    } finally {
      this.cookies.clear();
      this.user = undefined;
    }
  }

  async managedAccount(system: string, account: string): Promise<ManagedAccount> {
    const q = new URLSearchParams({ systemName: system, accountName: account });
    const what = `managed account "${system}/${account}"`;
    return this.json<ManagedAccount>(await this.call("GET", `ManagedAccounts?${q}`, what), what);
  }

  /** POST Requests: a release request for the account; answers the request id. */
  async createRequest(acc: ManagedAccount, what: string): Promise<string> {
    const body = JSON.stringify({
      SystemID: acc.SystemId,
      AccountID: acc.AccountId,
      DurationMinutes: 5,
      Reason: "external-secrets",
      ConflictOption: "reuse",
    });
    const out = await this.call("POST", "Requests", `request ${what}`, { type: "application/json", data: body });
    return out.toString("utf8").trim();
  }

  /** GET Credentials/<requestId>: the password, a JSON string. */
  async credential(requestId: string, what: string): Promise<string> {
    const out = await this.call("GET", `Credentials/${encodeURIComponent(requestId)}`, `credentials of ${what}`);
    const v = this.json<unknown>(out, `credentials of ${what}`);
    if (typeof v !== "string") throw new Error(`beyondtrust: credentials of ${what}: response is not a string`);
    return v;
  }

  async checkIn(requestId: string, what: string): Promise<void> {
    await this.call("PUT", `Requests/${encodeURIComponent(requestId)}/checkin`, `check in ${what}`, {
      type: "application/json",
      data: JSON.stringify({ Reason: "" }),
    });
  }

  private versionParam(q: URLSearchParams) {
    if (this.target.apiVersion) q.set("version", this.target.apiVersion);
    return q;
  }

  /** GET secrets-safe/secrets?path&title: the first match, or NoSecretError when none. */
  async secretByPath(
    path: string,
    title: string,
    separator: string,
    decrypt: boolean,
    what: string,
  ): Promise<SafeSecret> {
    const q = this.versionParam(new URLSearchParams({ path, title, separator, decrypt: String(decrypt) }));
    const body = this.json<SafeSecret[] | { Data?: SafeSecret[] }>(
      await this.call("GET", `secrets-safe/secrets?${q}`, what),
      what,
    );
    const list = Array.isArray(body) ? body : (body.Data ?? []);
    if (!list.length) throw new NoSecretError(`beyondtrust: ${what}: not found`);
    return list[0]!;
  }

  /** GET secrets-safe/secrets?title: any secret with that title (SecretExists). */
  async secretByTitle(title: string, what: string): Promise<SafeSecret> {
    const q = this.versionParam(new URLSearchParams({ title }));
    const body = this.json<SafeSecret[] | { Data?: SafeSecret[] }>(
      await this.call("GET", `secrets-safe/secrets?${q}`, what),
      what,
    );
    const list = Array.isArray(body) ? body : (body.Data ?? []);
    if (!list.length) throw new NoSecretError(`beyondtrust: ${what}: not found`);
    return list[0]!;
  }

  async fileSecret(id: string, what: string): Promise<Buffer> {
    return this.call("GET", `secrets-safe/secrets/${encodeURIComponent(id)}/file/download`, `download ${what}`);
  }

  async folders(): Promise<SafeFolder[]> {
    const q = this.versionParam(new URLSearchParams());
    const sep = q.size ? `?${q}` : "";
    return this.json<SafeFolder[]>(
      await this.call("GET", `secrets-safe/folders/${sep}`, "list folders"),
      "list folders",
    );
  }

  /** POST secrets-safe/folders/<id>/secrets[/text]: a credential or text secret. */
  async createSecret(folderId: string, kind: "" | "/text", details: unknown, what: string): Promise<void> {
    const q = this.versionParam(new URLSearchParams());
    const sep = q.size ? `?${q}` : "";
    await this.call("POST", `secrets-safe/folders/${encodeURIComponent(folderId)}/secrets${kind}${sep}`, what, {
      type: "application/json",
      data: JSON.stringify(details),
    });
  }

  /** POST secrets-safe/folders/<id>/secrets/file: multipart, the metadata as `secretmetadata` and the `file`. */
  async createFileSecret(folderId: string, details: unknown, fileName: string, content: string, what: string) {
    const q = this.versionParam(new URLSearchParams());
    const sep = q.size ? `?${q}` : "";
    const boundary = `eso${Date.now().toString(16)}${Math.random().toString(16).slice(2)}`;
    const parts = [
      `--${boundary}\r\nContent-Disposition: form-data; name="secretmetadata"\r\nContent-Type: application/json\r\n\r\n${JSON.stringify(details)}\r\n`,
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName.replace(/["\r\n]/g, "_")}"\r\nContent-Type: application/octet-stream\r\n\r\n${content}\r\n`,
      `--${boundary}--\r\n`,
    ];
    await this.call("POST", `secrets-safe/folders/${encodeURIComponent(folderId)}/secrets/file${sep}`, what, {
      type: `multipart/form-data; boundary=${boundary}`,
      data: parts.join(""),
    });
  }
}

/** Non-2xx to the provider errors; a sign-in's 4xx is always an authentication failure. */
export function statusError(what: string, status: number, signIn = false): Error {
  if (status === 401 || status === 403 || (signIn && status >= 400 && status < 500 && status !== 429)) {
    return new ProviderAuthError(`beyondtrust: ${what}: authentication failed (HTTP ${status})`);
  }
  if (status === 404) return new NoSecretError(`beyondtrust: ${what}: not found (HTTP 404)`);
  if (status === 429) return new ProviderThrottledError(`beyondtrust: ${what}: rate limited (HTTP 429)`);
  return new Error(`beyondtrust: ${what}: HTTP ${status}`);
}
