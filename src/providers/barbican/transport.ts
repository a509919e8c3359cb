/** The Barbican (key manager v1) calls: a secret's payload, and the secret list. */
import { capTimeout } from "../../runtime/deadline.js";
import { type HttpResponse, httpRequest, jsonBody, statusError } from "../util/http-client.js";

const CALL_TIMEOUT_MS = 30_000;
const PAGE_SIZE = 100;
/** A bound on list pages, so a server that keeps answering "next" cannot hold a sync forever. */
const MAX_PAGES = 1000;

export interface BarbicanSecretSummary {
  name: string;
  secretRef: string;
}

export class BarbicanApi {
  private readonly base: string;

  constructor(
    keyManagerUrl: string,
    private readonly token: string,
    private readonly onUnauthorized: () => void,
    private readonly signal?: AbortSignal,
    private readonly deadline?: number,
  ) {
    // gophercloud's key manager client addresses `<endpoint>/v1/`.
    const root = keyManagerUrl.replace(/\/+$/, "");
    this.base = /\/v1$/.test(root) ? root : `${root}/v1`;
  }

  private async call(path: string, accept: string, what: string): Promise<HttpResponse> {
    let res: HttpResponse;
    try {
      res = await httpRequest({
        url: `${this.base}${path}`,
        headers: { "x-auth-token": this.token, accept },
        signal: this.signal,
        timeoutMs: capTimeout(CALL_TIMEOUT_MS, this.deadline),
        what: "barbican response",
      });
    } catch (err) {
      throw new Error(`barbican: ${what}: request failed: ${(err as Error).message}`);
    }
    if (res.status === 401) this.onUnauthorized();
    if (res.status >= 300) throw statusError("barbican", what, res.status);
    return res;
  }

  /** GET /v1/secrets/{uuid}/payload: the decrypted payload bytes. */
  async payload(uuid: string, what: string): Promise<Buffer> {
    return (await this.call(`/secrets/${encodeURIComponent(uuid)}/payload`, "*/*", what)).body;
  }

  /** GET /v1/secrets, every page. */
  async listAll(what: string): Promise<BarbicanSecretSummary[]> {
    const out: BarbicanSecretSummary[] = [];
    for (let page = 0, offset = 0; page < MAX_PAGES; page++) {
      const res = await this.call(`/secrets?limit=${PAGE_SIZE}&offset=${offset}`, "application/json", what);
      const body = jsonBody<{ secrets?: { name?: string | null; secret_ref?: string }[]; next?: string }>(
        res,
        "barbican",
        what,
      );
      const secrets = body.secrets ?? [];
      for (const s of secrets) out.push({ name: s.name ?? "", secretRef: s.secret_ref ?? "" });
      if (!body.next || secrets.length === 0) break;
      offset += secrets.length;
    }
    return out;
  }
}
