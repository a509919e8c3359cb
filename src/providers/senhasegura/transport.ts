/**
 * The senhasegura calls this provider makes: the OAuth2 client-credentials token endpoint (/iso/oauth2/token)
 * and the DevOps Secrets Management application endpoint (/iso/dapp/application), both at the URL's root.
 */
import { Agent } from "node:https";
import { capTimeout } from "../../runtime/deadline.js";
import { ProviderAuthError } from "../errors.js";
import { httpRequest, jsonBody, statusError } from "../util/http-client.js";

const TIMEOUT_MS = 30_000;
const P = "senhasegura";

/** One secret of the DSM application: data is a list of key/value maps. */
export interface DsmSecret {
  secret_id?: string;
  secret_name?: string;
  identity?: string;
  version?: string;
  data?: Record<string, string>[];
}

export interface DsmApplication {
  response?: { status?: number; message?: string; error?: boolean; error_code?: number };
  application?: { name?: string; secrets?: DsmSecret[] };
}

export interface SenhaseguraCall {
  ignoreSslCertificate: boolean;
  signal?: AbortSignal;
  deadline?: number;
}

export class SenhaseguraApi {
  private readonly origin: string;
  private readonly agent?: Agent;

  constructor(
    url: string,
    private readonly call: SenhaseguraCall,
  ) {
    this.origin = new URL(url).origin;
    if (call.ignoreSslCertificate) this.agent = new Agent({ rejectUnauthorized: false, keepAlive: false });
  }

  private async send(method: string, path: string, what: string, headers: Record<string, string>, body?: string) {
    try {
      return await httpRequest({
        method,
        url: `${this.origin}${path}`,
        headers: { accept: "application/json", ...headers },
        body,
        agent: this.agent,
        signal: this.call.signal,
        timeoutMs: capTimeout(TIMEOUT_MS, this.call.deadline),
        what: "senhasegura response",
      });
    } catch (err) {
      throw new Error(`${P}: ${what}: request failed (is the SSL certificate valid?): ${(err as Error).message}`);
    }
  }

  /** POST /iso/oauth2/token with grant_type=client_credentials: an access token and its lifetime. */
  async token(clientId: string, clientSecret: string): Promise<{ token: string; expiresInSec?: number }> {
    const form = new URLSearchParams({
      grant_type: "client_credentials",
      client_id: clientId,
      client_secret: clientSecret,
    });
    const what = "OAuth2 token";
    const res = await this.send(
      "POST",
      "/iso/oauth2/token",
      what,
      {
        "content-type": "application/x-www-form-urlencoded",
      },
      form.toString(),
    );
    // The token endpoint answers a bad client with 400/401 (OAuth2 invalid_client): both are credentials problems.
    if (res.status === 400) throw new ProviderAuthError(`${P}: ${what}: authentication failed (HTTP 400)`);
    if (res.status !== 200) throw statusError(P, what, res.status);
    const body = jsonBody<{ access_token?: string; expires_in?: number }>(res, P, what);
    if (!body.access_token) throw new ProviderAuthError(`${P}: ${what}: response carries no access token`);
    return { token: body.access_token, expiresInSec: body.expires_in };
  }

  /** GET /iso/dapp/application: every secret the authorization can read. */
  async application(token: string): Promise<DsmApplication> {
    const what = "read DSM application";
    const res = await this.send("GET", "/iso/dapp/application", what, { authorization: `Bearer ${token}` });
    if (res.status !== 200) throw statusError(P, what, res.status);
    const body = jsonBody<DsmApplication>(res, P, what);
    if (body.response?.error) {
      const code = body.response.error_code ? ` (error code ${body.response.error_code})` : "";
      throw new Error(`${P}: ${what}: received application error from senhasegura${code}`);
    }
    return body;
  }
}
