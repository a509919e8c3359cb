/**
 * The calls to the Bitwarden SDK server (external-secrets/bitwarden-sdk-server): a small REST wrapper around the
 * Bitwarden Rust SDK that logs in with the access token from the `Warden-*` headers on every request. Requests
 * carry JSON bodies, GETs included, as the server reads them. The server answers failures with a plain-text
 * error (400 for a failed SDK call, 500 when it cannot log in); bodies never reach our error messages.
 */
import { capTimeout } from "../../runtime/deadline.js";
import { NoSecretError, ProviderAuthError, ProviderThrottledError } from "../errors.js";
import { type HttpResponse, httpRequest, jsonBody, statusError } from "../util/http-client.js";

const PROVIDER = "bitwardensecretsmanager";
const API = "/rest/api/1";
const DEFAULT_TIMEOUT_MS = 10_000;

export interface BitwardenSecret {
  id: string;
  key: string;
  value: string;
  note: string;
  organizationId: string;
  projectId?: string | null;
  creationDate?: string;
  revisionDate?: string;
}

export interface BitwardenSecretIdentifier {
  id: string;
  key: string;
  organizationId: string;
}

export interface SecretWrite {
  key: string;
  value: string;
  note: string;
  organizationId: string;
  projectIds: string[];
}

export interface SdkServerOptions {
  /** The SDK server's base URL (bitwardenServerSDKURL). */
  url: string;
  token: string;
  apiURL?: string;
  identityURL?: string;
  /** PEM CA bundle the server's certificate must chain to; default the system roots. */
  ca?: string;
  signal?: AbortSignal;
  deadline?: number;
  timeoutMs?: number;
}

/** The error class a failed SDK-server answer maps to, from the status and the (unquoted) error text. */
export function sdkServerError(what: string, res: HttpResponse): Error {
  const text = res.body.toString("utf8").slice(0, 2000).toLowerCase();
  if (res.status === 401 || res.status === 403 || res.status === 429 || res.status === 404) {
    return statusError(PROVIDER, what, res.status);
  }
  // The server wraps the SDK's error text in 400/500 answers: look at it only to classify.
  if (/too many requests|\b429\b|rate limit/.test(text)) {
    return new ProviderThrottledError(`${PROVIDER}: ${what}: rate limited (HTTP ${res.status})`);
  }
  if (/login|unauthori[sz]ed|forbidden|access token|\b401\b|\b403\b/.test(text)) {
    return new ProviderAuthError(`${PROVIDER}: ${what}: authentication failed (HTTP ${res.status})`);
  }
  if (res.status === 400 && /not found|\b404\b/.test(text)) {
    return new NoSecretError(`${PROVIDER}: ${what}: not found`);
  }
  return new Error(`${PROVIDER}: ${what}: HTTP ${res.status}`);
}

export class BitwardenSdkServer {
  private readonly base: string;

  constructor(private readonly opts: SdkServerOptions) {
    this.base = `${opts.url.replace(/\/+$/, "")}${API}`;
  }

  private async call<T>(method: string, path: string, body: unknown, what: string): Promise<T> {
    const headers: Record<string, string> = {
      "content-type": "application/json",
      accept: "application/json",
      "Warden-Access-Token": this.opts.token,
    };
    if (this.opts.apiURL) headers["Warden-Api-Url"] = this.opts.apiURL.replace(/\/+$/, "");
    if (this.opts.identityURL) headers["Warden-Identity-Url"] = this.opts.identityURL.replace(/\/+$/, "");
    let res: HttpResponse;
    try {
      res = await httpRequest({
        method,
        url: `${this.base}${path}`,
        headers,
        body: JSON.stringify(body),
        ca: this.opts.ca,
        signal: this.opts.signal,
        timeoutMs: capTimeout(this.opts.timeoutMs ?? DEFAULT_TIMEOUT_MS, this.opts.deadline),
        what: "bitwarden sdk server response",
      });
    } catch (err) {
      throw new Error(`${PROVIDER}: ${what}: request failed: ${(err as Error).message}`);
    }
    if (res.status !== 200) throw sdkServerError(what, res);
    return jsonBody<T>(res, PROVIDER, what);
  }

  getSecret(id: string): Promise<BitwardenSecret> {
    return this.call("GET", "/secret", { id }, `get secret ${id}`);
  }

  async listSecrets(organizationID: string): Promise<BitwardenSecretIdentifier[]> {
    const r = await this.call<{ data?: BitwardenSecretIdentifier[] | null }>(
      "GET",
      "/secrets",
      { organizationID },
      `list secrets of organization ${organizationID}`,
    );
    return r.data ?? [];
  }

  createSecret(req: SecretWrite): Promise<BitwardenSecret> {
    return this.call("POST", "/secret", req, `create secret "${req.key}"`);
  }

  updateSecret(req: SecretWrite & { id: string }): Promise<BitwardenSecret> {
    return this.call("PUT", "/secret", req, `update secret ${req.id}`);
  }

  async deleteSecrets(ids: string[]): Promise<{ id: string; error?: string | null }[]> {
    const r = await this.call<{ data?: { id: string; error?: string | null }[] | null }>(
      "DELETE",
      "/secret",
      { ids },
      `delete secret ${ids.join(", ")}`,
    );
    return r.data ?? [];
  }
}
