/**
 * The Previder Vault REST API calls this provider makes, authenticated with the access token in the X-API-Key
 * header: `GET /token/info` (the token's own description, for readiness) and `GET /secret/<id>/decrypt`.
 */
import { capTimeout } from "../../runtime/deadline.js";
import { type HttpResponse, httpRequest, jsonBody, statusError } from "../util/http-client.js";

export const DEFAULT_PREVIDER_BASE_URI = "https://vault.previder.io";
const CALL_TIMEOUT_MS = 30_000;
const JSON_TYPE = "application/json; charset=utf-8";

export interface PreviderTokenInfo {
  id?: string;
  tokenType?: string;
  environmentId?: string;
  expiresAt?: string;
}

export class PreviderApi {
  private readonly base: string;

  constructor(
    baseUri: string | undefined,
    private readonly token: string,
    private readonly signal?: AbortSignal,
    private readonly deadline?: number,
  ) {
    this.base = (baseUri || DEFAULT_PREVIDER_BASE_URI).replace(/\/+$/, "");
  }

  private async get(path: string, what: string): Promise<HttpResponse> {
    let res: HttpResponse;
    try {
      res = await httpRequest({
        url: `${this.base}${path}`,
        headers: { "x-api-key": this.token, accept: JSON_TYPE, "content-type": JSON_TYPE },
        signal: this.signal,
        timeoutMs: capTimeout(CALL_TIMEOUT_MS, this.deadline),
        what: "previder response",
      });
    } catch (err) {
      throw new Error(`previder: ${what}: request failed: ${(err as Error).message}`);
    }
    if (res.status < 200 || res.status >= 300) throw statusError("previder", what, res.status);
    return res;
  }

  async tokenInfo(): Promise<PreviderTokenInfo> {
    const what = "token info";
    return jsonBody<PreviderTokenInfo>(await this.get("/token/info", what), "previder", what);
  }

  /** The decrypted value of the secret with this id or name. */
  async decrypt(id: string): Promise<string> {
    const what = `secret ${JSON.stringify(id)}`;
    const body = jsonBody<{ secret?: unknown }>(
      await this.get(`/secret/${encodeURIComponent(id)}/decrypt`, what),
      "previder",
      what,
    );
    if (typeof body.secret !== "string") throw new Error(`previder: ${what}: the answer carries no secret`);
    return body.secret;
  }
}
