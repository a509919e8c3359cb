/**
 * Cloud.ru calls over HTTP/JSON: an IAM access token for the service account key (`POST /api/v1/auth/token`),
 * then Secret Manager with it as a bearer token: access by path (`GET /v2/secret/<path>/access`), by secret id
 * (`GET /v1/secrets/<id>/versions/<version>/payload`) and search (`GET /v2/secret/<path>/search`).
 */
import { capTimeout } from "../../runtime/deadline.js";
import { ProviderAuthError } from "../errors.js";
import type { CacheKey } from "../provider.js";
import { credentialKey, ExpiringTokenCache } from "../util/expiring-tokens.js";
import { type HttpResponse, httpRequest, jsonBody, statusError } from "../util/http-client.js";
import type { CloudruEndpoints } from "./endpoints.js";

const CALL_TIMEOUT_MS = 30_000;
const WHAT = "cloud.ru response";

export const CLOUDRU_TOKENS: CacheKey<ExpiringTokenCache> = {
  name: "cloudru-iam-tokens",
  create: () => new ExpiringTokenCache(),
};

export interface CloudruCredentials {
  keyID: string;
  secret: string;
}

/** A secret as search lists it (values are never listed). */
export interface CsmSecret {
  id?: string;
  name?: string;
  path?: string;
  labels?: Record<string, string>;
}

export interface SearchRequest {
  projectID: string;
  path?: string;
  labels?: Record<string, string>;
  nameRegex?: string;
}

/** Each path segment escaped, the separating slashes kept. */
const encodePath = (path: string) => path.split("/").map(encodeURIComponent).join("/");

export class CloudruApi {
  private readonly cacheKey: string;

  constructor(
    private readonly endpoints: CloudruEndpoints,
    private readonly creds: CloudruCredentials,
    private readonly tokens: ExpiringTokenCache,
    private readonly signal?: AbortSignal,
    private readonly deadline?: number,
  ) {
    this.cacheKey = credentialKey([endpoints.iam, creds.keyID], [creds.secret]);
  }

  private async send(method: string, url: string, what: string, headers: Record<string, string>, body?: string) {
    try {
      return await httpRequest({
        method,
        url,
        headers: { accept: "application/json", "user-agent": "external-secrets", ...headers },
        body,
        signal: this.signal,
        timeoutMs: capTimeout(CALL_TIMEOUT_MS, this.deadline),
        what: WHAT,
      });
    } catch (err) {
      throw new Error(`cloudrusm: ${what}: request failed: ${(err as Error).message}`);
    }
  }

  private async login(): Promise<{ token: string; expiresInSeconds?: number }> {
    const what = "IAM access token";
    const body = JSON.stringify({ keyId: this.creds.keyID, secret: this.creds.secret });
    const url = `${this.endpoints.iam}/api/v1/auth/token`;
    const res = await this.send("POST", url, what, { "content-type": "application/json" }, body);
    return this.grant(res, what);
  }

  private grant(res: HttpResponse, what: string): { token: string; expiresInSeconds?: number } {
    // The IAM gateway answers unknown or malformed keys with 400 (InvalidArgument) as well as 401.
    if (res.status === 400) throw new ProviderAuthError(`cloudrusm: ${what}: authentication failed (HTTP 400)`);
    if (res.status >= 300) throw statusError("cloudrusm", what, res.status);
    const g = jsonBody<{ access_token?: string; expires_in?: number | string }>(res, "cloudrusm", what);
    if (!g.access_token) throw new ProviderAuthError(`cloudrusm: ${what}: the answer carries no access token`);
    return { token: g.access_token, expiresInSeconds: Number(g.expires_in) || 0 };
  }

  /** Fetches (or reuses) the IAM token: proves the key ID and secret. */
  token(): Promise<string> {
    return this.tokens.get(this.cacheKey, () => this.login());
  }

  private async authorized(url: string, what: string): Promise<HttpResponse> {
    for (let attempt = 0; ; attempt++) {
      const token = await this.token();
      const res = await this.send("GET", url, what, { authorization: `Bearer ${token}` });
      if (res.status === 401 && attempt === 0) {
        this.tokens.drop(this.cacheKey, token);
        continue;
      }
      if (res.status >= 300) throw statusError("cloudrusm", what, res.status);
      return res;
    }
  }

  /** The payload of a secret named by path; version undefined means the latest. */
  async accessByPath(projectID: string, path: string, version?: number): Promise<Buffer> {
    const what = `secret ${JSON.stringify(path)}`;
    const q = new URLSearchParams({ projectId: projectID });
    if (version !== undefined) q.set("version", String(version));
    const res = await this.authorized(`${this.endpoints.csm}/v2/secret/${encodePath(path)}/access?${q}`, what);
    return Buffer.from(jsonBody<{ payload?: string }>(res, "cloudrusm", what).payload ?? "", "base64");
  }

  /** The payload of a secret named by id; version "latest" or a number. */
  async accessByID(id: string, version: string): Promise<Buffer> {
    const what = `secret ${JSON.stringify(id)} version ${JSON.stringify(version)}`;
    const url = `${this.endpoints.csm}/v1/secrets/${encodeURIComponent(id)}/versions/${encodeURIComponent(version)}/payload`;
    const res = await this.authorized(url, what);
    return Buffer.from(jsonBody<{ data?: string }>(res, "cloudrusm", what).data ?? "", "base64");
  }

  /** Every secret under the path (all folders below it) matching the labels and name regexp. */
  async search(req: SearchRequest): Promise<CsmSecret[]> {
    const what = "search secrets";
    const q = new URLSearchParams({ projectId: req.projectID, depth: "-1" });
    for (const [k, v] of Object.entries(req.labels ?? {})) q.append(`labels[${k}]`, v);
    if (req.nameRegex) q.set("regex", req.nameRegex);
    const url = `${this.endpoints.csm}/v2/secret/${encodePath(req.path ?? "")}/search?${q}`;
    const res = await this.authorized(url, what);
    return jsonBody<{ secrets?: CsmSecret[] }>(res, "cloudrusm", what).secrets ?? [];
  }
}
