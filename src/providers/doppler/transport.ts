/** The Doppler REST API (v3) calls this provider makes, with the store's bearer token. */
import { NoSecretError, ProviderAuthError, ProviderThrottledError } from "../errors.js";
import { boundedJson, boundedText, DEFAULT_MAX_RESPONSE_BYTES } from "../util/bounded-body.js";

const WHAT = "doppler response";
const MAX = DEFAULT_MAX_RESPONSE_BYTES;

export const DEFAULT_DOPPLER_HOST = "https://api.doppler.com";

/** The API base URL: the store's `host`, else DOPPLER_API_HOST (kept for tests), else Doppler's public API. */
export function dopplerHost(specHost?: string): string {
  return (specHost || process.env.DOPPLER_API_HOST || DEFAULT_DOPPLER_HOST).replace(/\/+$/, "");
}

export interface DopplerTarget {
  project?: string;
  config?: string;
}

/** A thin client for the documented Doppler REST API (v3). */
export class DopplerApi {
  constructor(
    private readonly token: string,
    private readonly target: DopplerTarget,
    private readonly signal?: AbortSignal,
    private readonly host: string = dopplerHost(),
  ) {}

  private query(extra: Record<string, string | undefined>): string {
    const q = new URLSearchParams();
    if (this.target.project) q.set("project", this.target.project);
    if (this.target.config) q.set("config", this.target.config);
    for (const [k, v] of Object.entries(extra)) if (v !== undefined) q.set(k, v);
    const s = q.toString();
    return s ? `?${s}` : "";
  }

  private async call(method: string, path: string, what: string, body?: unknown, auth = true): Promise<Response> {
    let res: Response;
    try {
      res = await fetch(`${this.host}${path}`, {
        method,
        headers: {
          ...(auth ? { authorization: `Bearer ${this.token}` } : {}),
          accept: "application/json",
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: this.signal,
      });
    } catch (err) {
      throw new Error(`doppler: ${what}: request failed: ${(err as Error).message}`);
    }
    if (res.ok) return res;
    const detail = await errorDetail(res);
    if (res.status === 401 || res.status === 403) {
      throw new ProviderAuthError(`doppler: ${what}: authentication failed (HTTP ${res.status})${detail}`);
    }
    if (res.status === 404) throw new NoSecretError(`doppler: ${what}: not found`);
    if (res.status === 429) throw new ProviderThrottledError(`doppler: ${what}: rate limited (HTTP 429)`);
    throw new Error(`doppler: ${what}: HTTP ${res.status}${detail}`);
  }

  /** POST /v3/auth/oidc: exchanges a ServiceAccount token for a short-lived Doppler API token. */
  static async oidcLogin(identity: string, token: string, host: string, signal?: AbortSignal): Promise<string> {
    const api = new DopplerApi("", {}, signal, host);
    const res = await api.call("POST", "/v3/auth/oidc", "OIDC login", { identity, token }, false);
    const body = await boundedJson<{ token?: string }>(res, MAX, WHAT);
    if (!body.token) throw new ProviderAuthError("doppler: OIDC login: response carries no token");
    return body.token;
  }

  /** GET /v3/me: checks the token. */
  async me(): Promise<void> {
    await this.call("GET", "/v3/me", "authenticate");
  }

  /** GET /v3/configs/config/secret: one secret's computed value. */
  async getSecret(name: string): Promise<string> {
    const res = await this.call("GET", `/v3/configs/config/secret${this.query({ name })}`, `secret "${name}"`);
    const body = await boundedJson<{ value?: { computed?: string | null; raw?: string | null } }>(res, MAX, WHAT);
    const value = body.value?.computed ?? body.value?.raw;
    if (value === undefined || value === null) throw new NoSecretError(`doppler: secret "${name}" has no value`);
    return value;
  }

  /** GET /v3/configs/config/secrets/download: every secret of the config, as JSON or as a file format. */
  async download(format: string, nameTransformer?: string): Promise<string> {
    const q = this.query({ format, name_transformer: nameTransformer });
    const res = await this.call("GET", `/v3/configs/config/secrets/download${q}`, "download secrets");
    return boundedText(res, MAX, WHAT);
  }

  /** POST /v3/configs/config/secrets: sets secret values. */
  async updateSecrets(secrets: Record<string, string>): Promise<void> {
    const names = Object.keys(secrets).join(", ");
    await this.call("POST", "/v3/configs/config/secrets", `update secrets ${names}`, { ...this.target, secrets });
  }

  /** POST /v3/configs/config/secrets with a delete change request. */
  async deleteSecret(name: string): Promise<void> {
    await this.call("POST", "/v3/configs/config/secrets", `delete secret "${name}"`, {
      ...this.target,
      change_requests: [{ name, originalName: name, shouldDelete: true }],
    });
  }
}

/** Doppler error bodies carry {messages: string[]}; they describe the request, not secret values. */
async function errorDetail(res: Response): Promise<string> {
  try {
    const body = await boundedJson<{ messages?: unknown }>(res, 64 * 1024, "doppler error response");
    if (Array.isArray(body.messages) && body.messages.length) return `: ${body.messages.join("; ").slice(0, 200)}`;
  } catch {
    // body is not JSON: the status alone is reported
  }
  return "";
}
