/** The Scaleway Secret Manager REST API (v1beta1) calls this provider makes, authenticated with X-Auth-Token. */
import { capTimeout } from "../../runtime/deadline.js";
import { type HttpResponse, httpRequest, jsonBody, statusError } from "../util/http-client.js";

export const DEFAULT_SCALEWAY_API_URL = "https://api.scaleway.com";
const CALL_TIMEOUT_MS = 30_000;
const WHAT = "scaleway response";

export interface ScwSecret {
  id: string;
  name: string;
  path?: string;
  region?: string;
  tags?: string[];
}

export interface ScwSecretVersion {
  secret_id: string;
  revision: number;
  status?: string;
}

export interface ListSecretsQuery {
  name?: string;
  path?: string;
  tags?: string[];
  page: number;
  pageSize: number;
}

export interface ScalewayTarget {
  apiUrl: string;
  region: string;
  projectId: string;
}

export class ScalewayApi {
  private readonly base: string;

  constructor(
    private readonly target: ScalewayTarget,
    private readonly secretKey: string,
    private readonly signal?: AbortSignal,
    private readonly deadline?: number,
  ) {
    const root = target.apiUrl.replace(/\/+$/, "");
    this.base = `${root}/secret-manager/v1beta1/regions/${encodeURIComponent(target.region)}`;
  }

  get projectId(): string {
    return this.target.projectId;
  }

  private async call(method: string, path: string, what: string, body?: unknown): Promise<HttpResponse> {
    let res: HttpResponse;
    try {
      res = await httpRequest({
        method,
        url: `${this.base}${path}`,
        headers: {
          "x-auth-token": this.secretKey,
          accept: "application/json",
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: this.signal,
        timeoutMs: capTimeout(CALL_TIMEOUT_MS, this.deadline),
        what: WHAT,
      });
    } catch (err) {
      throw new Error(`scaleway: ${what}: request failed: ${(err as Error).message}`);
    }
    if (res.status >= 300) throw statusError("scaleway", what, res.status);
    return res;
  }

  /** GET /secrets: the project's secrets matching name, path and tags, one page. */
  async listSecrets(q: ListSecretsQuery, what: string): Promise<{ secrets: ScwSecret[]; total: number }> {
    const p = new URLSearchParams({
      project_id: this.target.projectId,
      page: String(q.page),
      page_size: String(q.pageSize),
    });
    if (q.name !== undefined) p.set("name", q.name);
    if (q.path !== undefined) p.set("path", q.path);
    for (const t of q.tags ?? []) p.append("tags", t);
    const res = await this.call("GET", `/secrets?${p}`, what);
    const body = jsonBody<{ secrets?: ScwSecret[]; total_count?: number }>(res, "scaleway", what);
    return { secrets: body.secrets ?? [], total: Number(body.total_count ?? 0) };
  }

  /** GET /secrets/{id}/versions/{revision}: a number, "latest" or "latest_enabled". */
  async getSecretVersion(secretId: string, revision: string, what: string): Promise<ScwSecretVersion> {
    const path = `/secrets/${encodeURIComponent(secretId)}/versions/${encodeURIComponent(revision)}`;
    return jsonBody<ScwSecretVersion>(await this.call("GET", path, what), "scaleway", what);
  }

  /** GET /secrets/{id}/versions/{revision}/access: the version's payload. */
  async accessSecretVersion(secretId: string, revision: string, what: string): Promise<Buffer> {
    const path = `/secrets/${encodeURIComponent(secretId)}/versions/${encodeURIComponent(revision)}/access`;
    const body = jsonBody<{ data?: string }>(await this.call("GET", path, what), "scaleway", what);
    return Buffer.from(body.data ?? "", "base64");
  }

  /** POST /secrets. */
  async createSecret(name: string, path: string, what: string): Promise<ScwSecret> {
    const body = { project_id: this.target.projectId, name, path };
    return jsonBody<ScwSecret>(await this.call("POST", "/secrets", what, body), "scaleway", what);
  }

  /** POST /secrets/{id}/versions, disabling the previous version in the same call. */
  async createSecretVersion(secretId: string, data: Buffer, what: string): Promise<ScwSecretVersion> {
    const body = { data: data.toString("base64"), disable_previous: true };
    const res = await this.call("POST", `/secrets/${encodeURIComponent(secretId)}/versions`, what, body);
    return jsonBody<ScwSecretVersion>(res, "scaleway", what);
  }

  /** DELETE /secrets/{id}. */
  async deleteSecret(secretId: string, what: string): Promise<void> {
    await this.call("DELETE", `/secrets/${encodeURIComponent(secretId)}`, what);
  }
}
