/**
 * The ngrok API calls this provider makes (API version 2, the API key as a bearer token): vaults
 * (`GET /vaults`, `GET /vaults/<id>`, `GET /vaults/<id>/secrets`) and vault secrets (`GET /vault_secrets`,
 * `POST /vault_secrets`, `PATCH` and `DELETE /vault_secrets/<id>`). Lists are followed page by page through
 * `next_page_uri`, only while it stays on the configured API.
 */
import { capTimeout } from "../../runtime/deadline.js";
import { type HttpResponse, httpRequest, jsonBody, statusError } from "../util/http-client.js";

export const DEFAULT_NGROK_API_URL = "https://api.ngrok.com";
const CALL_TIMEOUT_MS = 30_000;
const MAX_PAGES = 1000;

export interface NgrokVault {
  id: string;
  name: string;
}

export interface NgrokSecret {
  id: string;
  name: string;
  description?: string;
  metadata?: string;
  vault?: { id?: string };
}

export interface SecretWrite {
  value: string;
  metadata: string;
  description: string;
}

export class NgrokApi {
  private readonly base: URL;

  constructor(
    apiUrl: string | undefined,
    private readonly apiKey: string,
    private readonly signal?: AbortSignal,
    private readonly deadline?: number,
  ) {
    this.base = new URL((apiUrl || DEFAULT_NGROK_API_URL).replace(/\/+$/, ""));
  }

  private url(path: string): string {
    return `${this.base.href.replace(/\/+$/, "")}${path}`;
  }

  private async call(method: string, url: string, what: string, body?: unknown): Promise<HttpResponse> {
    let res: HttpResponse;
    try {
      res = await httpRequest({
        method,
        url,
        headers: {
          authorization: `Bearer ${this.apiKey}`,
          "ngrok-version": "2",
          accept: "application/json",
          "user-agent": "external-secrets",
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: this.signal,
        timeoutMs: capTimeout(CALL_TIMEOUT_MS, this.deadline),
        what: "ngrok response",
      });
    } catch (err) {
      throw new Error(`ngrok: ${what}: request failed: ${(err as Error).message}`);
    }
    if (res.status >= 300) {
      // ngrok's error codes (ERR_NGROK_...) name the cause and never carry values.
      let code = "";
      try {
        const e = JSON.parse(res.body.toString("utf8")) as { error_code?: unknown };
        if (typeof e.error_code === "string" && /^ERR_NGROK_\d+$/.test(e.error_code)) code = e.error_code;
      } catch {}
      throw statusError("ngrok", what, res.status, code);
    }
    return res;
  }

  /** The next page's URL when ngrok gives one on this same API, else undefined. */
  private nextPage(next: unknown): string | undefined {
    if (typeof next !== "string" || !next) return undefined;
    try {
      const u = new URL(next, this.base);
      return u.origin === this.base.origin ? u.href : undefined;
    } catch {
      return undefined;
    }
  }

  private async list<T>(path: string, field: string, what: string, stop?: (item: T) => boolean): Promise<T[]> {
    const out: T[] = [];
    let url: string | undefined = this.url(path);
    for (let page = 0; url && page < MAX_PAGES; page++) {
      const body: Record<string, unknown> = jsonBody(await this.call("GET", url, what), "ngrok", what);
      const items = Array.isArray(body[field]) ? (body[field] as T[]) : [];
      for (const item of items) {
        out.push(item);
        if (stop?.(item)) return out;
      }
      url = this.nextPage(body.next_page_uri);
    }
    return out;
  }

  /** The vault with this name, or undefined. */
  async findVault(name: string): Promise<NgrokVault | undefined> {
    const vaults = await this.list<NgrokVault>("/vaults", "vaults", "list vaults", (v) => v.name === name);
    return vaults.find((v) => v.name === name);
  }

  async vault(id: string): Promise<NgrokVault> {
    const what = `vault ${JSON.stringify(id)}`;
    return jsonBody<NgrokVault>(
      await this.call("GET", this.url(`/vaults/${encodeURIComponent(id)}`), what),
      "ngrok",
      what,
    );
  }

  /** The secret with this name in the vault, or undefined. */
  async findSecret(vaultID: string, name: string): Promise<NgrokSecret | undefined> {
    const path = `/vaults/${encodeURIComponent(vaultID)}/secrets`;
    const secrets = await this.list<NgrokSecret>(path, "secrets", "list vault secrets", (s) => s.name === name);
    return secrets.find((s) => s.name === name);
  }

  /** One page of the account's secrets: proves the key may list them. */
  async probeSecrets(): Promise<void> {
    await this.call("GET", this.url("/vault_secrets?limit=1"), "list secrets");
  }

  async createSecret(vaultID: string, name: string, w: SecretWrite): Promise<void> {
    const what = `create secret ${JSON.stringify(name)}`;
    await this.call("POST", this.url("/vault_secrets"), what, { vault_id: vaultID, name, ...w });
  }

  async updateSecret(id: string, name: string, w: SecretWrite): Promise<void> {
    const what = `update secret ${JSON.stringify(name)}`;
    await this.call("PATCH", this.url(`/vault_secrets/${encodeURIComponent(id)}`), what, { id, ...w });
  }

  async deleteSecret(id: string, name: string): Promise<void> {
    const what = `delete secret ${JSON.stringify(name)}`;
    await this.call("DELETE", this.url(`/vault_secrets/${encodeURIComponent(id)}`), what);
  }
}
