/** The Pulumi ESC REST API calls this provider makes: open an environment, read a property, read and patch the definition. */

import { capTimeout } from "../../runtime/deadline.js";
import { ProviderAuthError } from "../errors.js";
import { type HttpResponse, httpRequest, jsonBody, statusError } from "../util/http-client.js";

const WHAT = "pulumi response";
/** Idle timeout of one call; the reconcile deadline (ctx.signal) bounds it further. */
const CALL_TIMEOUT_MS = 30_000;

/** The environment one store reads: organization/project/environment. */
export interface EnvironmentRef {
  organization: string;
  project: string;
  environment: string;
}

/** An ESC value as the API returns it: `value` holds nested values (each with its own trace) for objects and arrays. */
export interface EscValue {
  value?: unknown;
  secret?: boolean;
  unknown?: boolean;
  trace?: unknown;
}

export type TokenSource = () => Promise<string>;

export class PulumiEscApi {
  private readonly base: string;

  constructor(
    apiUrl: string,
    private readonly env: EnvironmentRef,
    private readonly token: TokenSource,
    private readonly signal?: AbortSignal,
    private readonly deadline?: number,
  ) {
    this.base = apiUrl.replace(/\/+$/, "");
  }

  private envPath(): string {
    const { organization, project, environment } = this.env;
    return `/environments/${[organization, project, environment].map(encodeURIComponent).join("/")}`;
  }

  private async call(
    method: string,
    path: string,
    what: string,
    body?: { type: string; text: string },
    accept = "application/json",
  ): Promise<HttpResponse> {
    const token = await this.token();
    let res: HttpResponse;
    try {
      res = await httpRequest({
        method,
        url: `${this.base}${path}`,
        headers: {
          authorization: `token ${token}`,
          accept,
          "user-agent": "external-secrets-operator",
          ...(body ? { "content-type": body.type } : {}),
        },
        body: body?.text,
        timeoutMs: capTimeout(CALL_TIMEOUT_MS, this.deadline),
        signal: this.signal,
        what: WHAT,
      });
    } catch (err) {
      throw new Error(`pulumi: ${what}: request failed: ${(err as Error).message}`);
    }
    if (res.status >= 200 && res.status < 300) return res;
    throw statusError("pulumi", what, res.status, errorMessage(res));
  }

  /** POST /environments/{org}/{project}/{env}/open: evaluates the environment, returns the open session id. */
  async open(): Promise<string> {
    const what = `open environment ${this.describe()}`;
    const res = await this.call("POST", `${this.envPath()}/open`, what);
    const id = jsonBody<{ id?: string }>(res, "pulumi", what).id;
    if (!id) throw new Error(`pulumi: ${what}: response carries no session id`);
    return id;
  }

  /** GET /environments/{org}/{project}/{env}/open/{id}?property=path: one value of an opened environment. */
  async readProperty(session: string, property: string): Promise<EscValue> {
    const what = `read "${property}" of environment ${this.describe()}`;
    const q = new URLSearchParams({ property }).toString();
    const res = await this.call("GET", `${this.envPath()}/open/${encodeURIComponent(session)}?${q}`, what);
    return jsonBody<EscValue>(res, "pulumi", what);
  }

  /** GET /environments/{org}/{project}/{env}: the environment's YAML definition (secrets as ciphertext). */
  async getDefinition(): Promise<string> {
    const res = await this.call(
      "GET",
      this.envPath(),
      `read environment ${this.describe()}`,
      undefined,
      "application/x-yaml",
    );
    return res.body.toString("utf8");
  }

  /** PATCH /environments/{org}/{project}/{env}: replaces the environment's YAML definition. */
  async updateDefinition(yaml: string): Promise<void> {
    await this.call("PATCH", this.envPath(), `update environment ${this.describe()}`, {
      type: "application/x-yaml",
      text: yaml,
    });
  }

  private describe(): string {
    const { organization, project, environment } = this.env;
    return `${organization}/${project}/${environment}`;
  }
}

/** Pulumi error bodies are {code, message}; the message describes the request, never a value. */
function errorMessage(res: HttpResponse): string {
  try {
    const body = JSON.parse(res.body.toString("utf8")) as { message?: unknown };
    if (typeof body.message === "string") return body.message.slice(0, 200);
  } catch {
    // not JSON: the status alone is reported
  }
  return "";
}

/** The Pulumi Cloud API root (apiUrl without its /api/esc suffix), where the OAuth token exchange lives. */
export function cloudBaseUrl(apiUrl: string): string {
  const base = apiUrl.replace(/\/+$/, "").replace(/\/api\/esc$/, "");
  return base || "https://api.pulumi.com";
}

/** POST /api/oauth/token (RFC 8693): a ServiceAccount token for an organization access token. */
export async function exchangeOidcToken(
  baseUrl: string,
  organization: string,
  subjectToken: string,
  expirationSeconds: number,
  signal?: AbortSignal,
  deadline?: number,
): Promise<{ token: string; expiresAt: number }> {
  const what = `OIDC token exchange for organization ${organization}`;
  let res: HttpResponse;
  try {
    res = await httpRequest({
      method: "POST",
      url: `${baseUrl}/api/oauth/token`,
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({
        audience: `urn:pulumi:org:${organization}`,
        grant_type: "urn:ietf:params:oauth:grant-type:token-exchange",
        subject_token_type: "urn:ietf:params:oauth:token-type:id_token",
        requested_token_type: "urn:pulumi:token-type:access_token:organization",
        subject_token: subjectToken,
        expiration: expirationSeconds,
        scope: "",
      }),
      timeoutMs: capTimeout(CALL_TIMEOUT_MS, deadline),
      signal,
      maxBytes: 1 << 20,
      what: WHAT,
    });
  } catch (err) {
    throw new Error(`pulumi: ${what}: request failed: ${(err as Error).message}`);
  }
  if (res.status !== 200) throw statusError("pulumi", what, res.status, errorMessage(res));
  const body = jsonBody<{ access_token?: string; expires_in?: number }>(res, "pulumi", what);
  if (!body.access_token) throw new ProviderAuthError(`pulumi: ${what}: no access_token in response`);
  if (!body.expires_in || body.expires_in <= 0) {
    throw new ProviderAuthError(`pulumi: ${what}: invalid expires_in value ${body.expires_in}`);
  }
  return { token: body.access_token, expiresAt: Date.now() + body.expires_in * 1000 };
}
