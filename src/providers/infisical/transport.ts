/**
 * The Infisical REST API calls this provider makes: the machine-identity logins (/v1/auth/<method>/login), the
 * raw secrets endpoints (/v3/secrets/raw) and the project lookup by slug the write endpoints need.
 */
import { capTimeout } from "../../runtime/deadline.js";
import { ProviderAuthError } from "../errors.js";
import { type HttpResponse, httpRequest, jsonBody, statusError } from "../util/http-client.js";

const TIMEOUT_MS = 30_000;
const WHAT = "infisical response";

export interface InfisicalSecret {
  secretKey: string;
  secretValue: string;
  secretPath?: string;
  version?: number;
}

export interface LoginResult {
  accessToken: string;
  /** Seconds the token lives; 0 or absent: no expiry given. */
  expiresIn?: number;
}

/** Where the secrets live: the store's secretsScope. */
export interface InfisicalScope {
  projectSlug: string;
  environment: string;
  expandSecretReferences: boolean;
}

/** hostAPI with "/api" appended when missing, as Infisical's SDKs do. */
export function apiBase(hostAPI: string): string {
  const trimmed = hostAPI.replace(/\/+$/, "");
  return trimmed.endsWith("/api") ? trimmed : `${trimmed}/api`;
}

export interface TransportOptions {
  ca?: string;
  signal?: AbortSignal;
  deadline?: number;
}

export class InfisicalTransport {
  constructor(
    readonly base: string,
    private readonly opts: TransportOptions,
  ) {}

  async call(
    method: string,
    path: string,
    what: string,
    opts: { token?: string; body?: unknown; detail?: boolean } = {},
  ): Promise<HttpResponse> {
    const headers: Record<string, string> = { accept: "application/json" };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    if (opts.body !== undefined) headers["content-type"] = "application/json";
    let res: HttpResponse;
    try {
      res = await httpRequest({
        method,
        url: `${this.base}${path}`,
        headers,
        body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
        ca: this.opts.ca,
        signal: this.opts.signal,
        timeoutMs: capTimeout(TIMEOUT_MS, this.opts.deadline),
        what: WHAT,
      });
    } catch (err) {
      throw new Error(`infisical: ${what}: request failed: ${(err as Error).message}`);
    }
    if (res.status >= 200 && res.status < 300) return res;
    throw statusError("infisical", what, res.status, opts.detail ? errorMessage(res) : "");
  }

  /** POST /v1/auth/<method>/login: exchanges the identity's proof for an access token. */
  async login(method: string, body: Record<string, unknown>): Promise<LoginResult> {
    const what = `${method} login`;
    let res: HttpResponse;
    try {
      res = await this.call("POST", `/v1/auth/${method}/login`, what, { body });
    } catch (err) {
      // A login refused with 400 (unknown identity, bad proof) is an authentication failure all the same.
      if (/HTTP 400\b/.test((err as Error).message)) {
        throw new ProviderAuthError(`infisical: ${what}: authentication failed (HTTP 400)`);
      }
      throw err;
    }
    const r = jsonBody<{ accessToken?: unknown; expiresIn?: unknown }>(res, "infisical", what);
    if (typeof r.accessToken !== "string" || !r.accessToken) {
      throw new ProviderAuthError(`infisical: ${what}: response carries no accessToken`);
    }
    return { accessToken: r.accessToken, expiresIn: typeof r.expiresIn === "number" ? r.expiresIn : undefined };
  }
}

/** The data calls, for one scope and one access token. */
export class InfisicalApi {
  constructor(
    private readonly transport: InfisicalTransport,
    private readonly token: string,
    private readonly scope: InfisicalScope,
    /** Called when the API refuses the token (401), so a cached login is dropped. */
    private readonly onUnauthorized: () => void = () => {},
  ) {}

  private async call(method: string, path: string, what: string, body?: unknown): Promise<HttpResponse> {
    try {
      return await this.transport.call(method, path, what, { token: this.token, body, detail: true });
    } catch (err) {
      if (err instanceof ProviderAuthError && /HTTP 401/.test(err.message)) this.onUnauthorized();
      throw err;
    }
  }

  private readQuery(secretPath: string, extra: Record<string, string> = {}): string {
    const q = new URLSearchParams({
      workspaceSlug: this.scope.projectSlug,
      environment: this.scope.environment,
      secretPath,
      expandSecretReferences: String(this.scope.expandSecretReferences),
      ...extra,
    });
    return q.toString();
  }

  /** GET /v3/secrets/raw/{name}: one shared secret, imports included. */
  async getSecret(secretPath: string, name: string, version?: number, includeImports = true): Promise<InfisicalSecret> {
    const extra: Record<string, string> = { type: "shared", include_imports: String(includeImports) };
    if (version !== undefined) extra.version = String(version);
    const res = await this.call(
      "GET",
      `/v3/secrets/raw/${encodeURIComponent(name)}?${this.readQuery(secretPath, extra)}`,
      `secret "${joinKey(secretPath, name)}"`,
    );
    const body = jsonBody<{ secret?: InfisicalSecret }>(res, "infisical", `secret "${name}"`);
    if (!body.secret || typeof body.secret.secretValue !== "string") {
      throw new Error(`infisical: secret "${joinKey(secretPath, name)}": response carries no secret`);
    }
    return body.secret;
  }

  /** GET /v3/secrets/raw: every secret under a folder (and its subfolders when recursive), imports last. */
  async listSecrets(secretPath: string, recursive: boolean, includeImports: boolean): Promise<InfisicalSecret[]> {
    const q = this.readQuery(secretPath, { recursive: String(recursive), include_imports: String(includeImports) });
    const res = await this.call("GET", `/v3/secrets/raw?${q}`, `list secrets under "${secretPath}"`);
    const body = jsonBody<{
      secrets?: InfisicalSecret[];
      imports?: { secretPath?: string; secrets?: InfisicalSecret[] }[];
    }>(res, "infisical", "list secrets");
    const out = [...(body.secrets ?? [])];
    if (includeImports) {
      // An imported secret is shadowed by a secret of the same name in the folder itself.
      const own = new Set(out.map((s) => s.secretKey));
      for (const imp of body.imports ?? []) {
        for (const s of imp.secrets ?? []) {
          if (own.has(s.secretKey)) continue;
          own.add(s.secretKey);
          out.push({ ...s, secretPath: s.secretPath ?? imp.secretPath });
        }
      }
    }
    return out;
  }

  /**
   * The project's id for its slug (the write endpoints take the id). Current releases serve /v1/projects/slug,
   * older ones /v1/workspace/slug: a 404 on the first tries the second.
   */
  async projectId(): Promise<string> {
    const slug = encodeURIComponent(this.scope.projectSlug);
    const what = `project "${this.scope.projectSlug}"`;
    let last: Error | undefined;
    for (const path of [`/v1/projects/slug/${slug}`, `/v1/workspace/slug/${slug}`]) {
      try {
        const res = await this.call("GET", path, what);
        const body = jsonBody<{ id?: unknown; project?: { id?: unknown }; workspace?: { id?: unknown } }>(
          res,
          "infisical",
          what,
        );
        const id = body.id ?? body.project?.id ?? body.workspace?.id;
        if (typeof id !== "string" || !id) throw new Error(`infisical: ${what}: response carries no id`);
        return id;
      } catch (err) {
        last = err as Error;
        if (!/HTTP 404/.test(last.message)) throw last;
      }
    }
    throw new Error(`infisical: ${what}: no project with this slug (HTTP 404)`);
  }

  private writeBody(projectId: string, secretPath: string, extra: Record<string, unknown> = {}) {
    return { workspaceId: projectId, environment: this.scope.environment, secretPath, type: "shared", ...extra };
  }

  /** POST /v3/secrets/raw/{name}. */
  async createSecret(projectId: string, secretPath: string, name: string, value: string): Promise<void> {
    await this.call(
      "POST",
      `/v3/secrets/raw/${encodeURIComponent(name)}`,
      `create secret "${joinKey(secretPath, name)}"`,
      this.writeBody(projectId, secretPath, { secretValue: value, skipMultilineEncoding: true }),
    );
  }

  /** PATCH /v3/secrets/raw/{name}. */
  async updateSecret(projectId: string, secretPath: string, name: string, value: string): Promise<void> {
    await this.call(
      "PATCH",
      `/v3/secrets/raw/${encodeURIComponent(name)}`,
      `update secret "${joinKey(secretPath, name)}"`,
      this.writeBody(projectId, secretPath, { secretValue: value, skipMultilineEncoding: true }),
    );
  }

  /** DELETE /v3/secrets/raw/{name}. */
  async deleteSecret(projectId: string, secretPath: string, name: string): Promise<void> {
    await this.call(
      "DELETE",
      `/v3/secrets/raw/${encodeURIComponent(name)}`,
      `delete secret "${joinKey(secretPath, name)}"`,
      this.writeBody(projectId, secretPath),
    );
  }
}

export function joinKey(secretPath: string, name: string): string {
  return `${secretPath.replace(/\/+$/, "")}/${name}`;
}

/**
 * Infisical error bodies carry {message}. Only the messages of refusals and misses (which name the identity's
 * permission or the missing secret or folder) are kept; a validation message could echo a request field.
 */
function errorMessage(res: HttpResponse): string {
  if (res.status !== 401 && res.status !== 403 && res.status !== 404) return "";
  try {
    const m = (JSON.parse(res.body.toString("utf8")) as { message?: unknown }).message;
    return typeof m === "string" ? m.replace(/\s+/g, " ").slice(0, 200) : "";
  } catch {
    return "";
  }
}
