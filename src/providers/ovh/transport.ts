/** The OVHcloud KMS (OKMS) REST calls this provider makes: Secret API v2, and the KV2-compatible metadata listing. */
import type { Agent } from "node:https";
import { type HttpResponse, httpRequest, jsonBody, statusError } from "../util/http-client.js";

export interface OkmsSecret {
  path?: string;
  metadata?: { currentVersion?: number };
  version?: { id?: number; data?: Record<string, unknown> | null };
}

/** How requests authenticate: a bearer header (token) or a client certificate on the connection (mTLS). */
export interface OkmsAuth {
  headers: Record<string, string>;
  agent?: Agent;
}

export interface OkmsOptions {
  server: string;
  okmsId: string;
  auth: OkmsAuth;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Extra trusted CA (tests only: upstream's spec has no CA field, so stores trust the system roots). */
  ca?: string;
}

/** OKMS answers `{error_code, error_id, errors[], request_id}`; only the numeric code is kept (no message text). */
function errorCode(res: HttpResponse): string {
  try {
    const code = (JSON.parse(res.body.toString("utf8")) as { error_code?: unknown }).error_code;
    return typeof code === "number" ? `error_code ${code}` : "";
  } catch {
    return "";
  }
}

export class OkmsApi {
  private readonly base: string;

  constructor(private readonly opts: OkmsOptions) {
    this.base = `${opts.server.replace(/\/+$/, "")}/api/${encodeURIComponent(opts.okmsId)}`;
  }

  private async call(method: string, path: string, what: string, body?: unknown): Promise<HttpResponse> {
    let res: HttpResponse;
    try {
      res = await httpRequest({
        method,
        url: `${this.base}${path}`,
        headers: {
          ...this.opts.auth.headers,
          accept: "application/json",
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        ca: this.opts.ca,
        agent: this.opts.auth.agent,
        timeoutMs: this.opts.timeoutMs,
        signal: this.opts.signal,
        what: "ovh response",
      });
    } catch (err) {
      throw new Error(`ovh: ${what}: request failed: ${(err as Error).message}`);
    }
    if (res.status >= 300) throw statusError("ovh", what, res.status, errorCode(res));
    return res;
  }

  /** GET /v2/secret/{path}: the secret's metadata and one version (the current one unless `version` is set). */
  async getSecret(path: string, opts: { version?: number; includeData: boolean }): Promise<OkmsSecret> {
    const q = new URLSearchParams();
    if (opts.version !== undefined) q.set("version", String(opts.version));
    if (opts.includeData) q.set("includeData", "true");
    const qs = q.size ? `?${q}` : "";
    const what = `get secret "${path}"`;
    const res = await this.call("GET", `/v2/secret/${encodeURIComponent(path)}${qs}`, what);
    return jsonBody<OkmsSecret>(res, "ovh", what);
  }

  /** GET /v2/secret: one page is enough to prove the endpoint, the domain and the credentials. */
  async listSecrets(): Promise<void> {
    await this.call("GET", "/v2/secret?pageSize=1", "list secrets");
  }

  async createSecret(path: string, data: Record<string, unknown>): Promise<void> {
    await this.call("POST", "/v2/secret", `create secret "${path}"`, { path, version: { data } });
  }

  async updateSecret(path: string, data: Record<string, unknown>, cas?: number): Promise<void> {
    const qs = cas === undefined ? "" : `?cas=${cas}`;
    await this.call("PUT", `/v2/secret/${encodeURIComponent(path)}${qs}`, `update secret "${path}"`, {
      version: { data },
    });
  }

  async deleteSecret(path: string): Promise<void> {
    await this.call("DELETE", `/v2/secret/${encodeURIComponent(path)}`, `delete secret "${path}"`);
  }

  /**
   * The next level under `path` (KV2 metadata listing): secret names, and folders with a trailing "/".
   * An empty path lists the root.
   */
  async listKeys(path: string): Promise<string[]> {
    const what = `list secrets at path "${path}"`;
    const res = await this.call("GET", `/v1/secret/metadata/${encodeURIComponent(path)}?list=true`, what);
    const body = jsonBody<{ data?: { keys?: unknown } }>(res, "ovh", what);
    const keys = body?.data?.keys;
    return Array.isArray(keys) ? keys.filter((k): k is string => typeof k === "string") : [];
  }
}
