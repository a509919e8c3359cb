/**
 * The Workload Credentials API calls the store makes: GET /session (readiness), GET /static/<name>?folder=
 * (one secret) and GET /static?path=&recursive=true (a folder's listing). Non-2xx map to provider errors that
 * name the call and path, never the token or a response body.
 */
import { NoSecretError, ProviderAuthError, ProviderThrottledError } from "../errors.js";
import { type WorkloadCredentialsTarget, workloadCredentialsRequest } from "./kit/http.js";

export interface StaticSecret {
  secret: Record<string, unknown>;
  metadata?: { tags?: Record<string, string> };
}

export interface StaticListItem {
  path: string;
}

const P = "beyondtrustworkloadcredentials";

function statusError(what: string, status: number): Error {
  if (status === 401 || status === 403)
    return new ProviderAuthError(`${P}: ${what}: authentication failed (HTTP ${status})`);
  if (status === 404) return new NoSecretError(`${P}: ${what}: not found (HTTP 404)`);
  if (status === 429) return new ProviderThrottledError(`${P}: ${what}: rate limited (HTTP 429)`);
  return new Error(`${P}: ${what}: HTTP ${status}`);
}

export class WorkloadCredentialsApi {
  constructor(private readonly target: WorkloadCredentialsTarget) {}

  private async get(path: string, what: string): Promise<unknown> {
    let res: Awaited<ReturnType<typeof workloadCredentialsRequest>>;
    try {
      res = await workloadCredentialsRequest(this.target, "GET", path);
    } catch (err) {
      if (this.target.signal?.aborted) throw new Error(`${P}: ${what}: aborted`);
      throw new Error(`${P}: ${what}: request failed: ${(err as Error).message}`);
    }
    if (res.status !== 200) throw statusError(what, res.status);
    try {
      return res.body.length ? JSON.parse(res.body.toString("utf8")) : {};
    } catch {
      throw new Error(`${P}: ${what}: response is not valid JSON`);
    }
  }

  async checkSession(): Promise<void> {
    await this.get("/session", "check session");
  }

  async getStatic(name: string, folder: string): Promise<StaticSecret> {
    const q = folder ? `?${new URLSearchParams({ folder })}` : "";
    const what = `get secret "${folder ? `${folder}/` : ""}${name}"`;
    const body = (await this.get(`/static/${encodeURIComponent(name)}${q}`, what)) as Partial<StaticSecret> | null;
    if (!body?.secret || typeof body.secret !== "object" || Array.isArray(body.secret)) {
      throw new Error(`${P}: ${what}: secret value is nil`);
    }
    return body as StaticSecret;
  }

  async listStatic(folder: string): Promise<StaticListItem[]> {
    const q = new URLSearchParams();
    if (folder) q.set("path", folder);
    q.set("recursive", "true");
    const what = `list secrets in "${folder || "/"}"`;
    const body = (await this.get(`/static?${q}`, what)) as { data?: StaticListItem[]; error?: string } | null;
    if (body?.error) throw new Error(`${P}: ${what}: the API answered with an error`);
    return Array.isArray(body?.data) ? body.data : [];
  }
}
