/** The Secret Server REST API (`<serverURL>/api/v1`) calls this provider makes, with a bearer token. */
import { capTimeout } from "../../runtime/deadline.js";
import { type HttpResponse, httpRequest, jsonBody, statusError } from "../util/http-client.js";
import type { TokenSource } from "./auth/token-source.js";
import { parseSecret, parseTemplate, renderSecret, type SsSecret, type SsTemplate } from "./secret.js";

const CALL_TIMEOUT_MS = 30_000;
const WHAT = "secret server response";
const SEARCH_PAGE = 100;
/** Name searches stop here rather than reading an unbounded result set. */
const MAX_SEARCH_RESULTS = 1000;

export interface SearchRecord {
  id: number;
  name: string;
  folderId: number;
}

export class SecretServerApi {
  private readonly base: string;

  constructor(
    serverURL: string,
    private readonly tokens: TokenSource,
    private readonly ca?: string,
    private readonly signal?: AbortSignal,
    private readonly deadline?: number,
  ) {
    this.base = `${serverURL}/api/v1`;
  }

  private async call(method: string, path: string, what: string, body?: unknown): Promise<HttpResponse> {
    for (let attempt = 0; ; attempt++) {
      const token = await this.tokens.token();
      let res: HttpResponse;
      try {
        res = await httpRequest({
          method,
          url: `${this.base}${path}`,
          headers: {
            authorization: `Bearer ${token}`,
            accept: "application/json",
            ...(body === undefined ? {} : { "content-type": "application/json" }),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
          ca: this.ca,
          signal: this.signal,
          timeoutMs: capTimeout(CALL_TIMEOUT_MS, this.deadline),
          what: WHAT,
        });
      } catch (err) {
        throw new Error(`secretserver: ${what}: request failed: ${(err as Error).message}`);
      }
      // A cached login revoked before its expiry: log in again once.
      if (res.status === 401 && attempt === 0 && this.tokens.drop(token)) continue;
      if (res.status >= 300) throw statusError("secretserver", what, res.status);
      return res;
    }
  }

  private async withAttachments(secret: SsSecret, what: string): Promise<SsSecret> {
    for (const f of secret.Items ?? []) {
      if (!f.IsFile || !f.FileAttachmentID || !f.Filename) continue;
      const res = await this.call("GET", `/secrets/${secret.ID}/fields/${encodeURIComponent(f.Slug)}`, what);
      f.ItemValue = res.body.toString("utf8");
    }
    return secret;
  }

  /** GET /secrets/{id}, file fields downloaded in place. */
  async secret(id: number, what: string): Promise<SsSecret> {
    const secret = parseSecret(jsonBody(await this.call("GET", `/secrets/${id}`, what), "secretserver", what));
    return this.withAttachments(secret, what);
  }

  /** GET /secrets/0?secretPath=... */
  async secretByPath(path: string, what: string): Promise<SsSecret> {
    const q = new URLSearchParams({ secretPath: path });
    const secret = parseSecret(jsonBody(await this.call("GET", `/secrets/0?${q}`, what), "secretserver", what));
    return this.withAttachments(secret, what);
  }

  /** GET /secrets?filter.searchText=...&filter.searchField=Name, every page up to a cap. */
  async searchByName(name: string, what: string): Promise<SearchRecord[]> {
    const out: SearchRecord[] = [];
    for (let skip = 0; ; ) {
      const q = new URLSearchParams({
        "filter.searchText": name,
        "filter.searchField": "Name",
        "paging.skip": String(skip),
        "paging.take": String(SEARCH_PAGE),
      });
      const res = await this.call("GET", `/secrets?${q}`, what);
      const body = jsonBody<{ records?: { id?: number; name?: string; folderId?: number }[] }>(
        res,
        "secretserver",
        what,
      );
      const records = body.records ?? [];
      for (const r of records)
        out.push({ id: Number(r.id ?? 0), name: String(r.name ?? ""), folderId: Number(r.folderId ?? 0) });
      if (out.length > MAX_SEARCH_RESULTS)
        throw new Error(`secretserver: ${what}: search exceeded ${MAX_SEARCH_RESULTS} results`);
      if (records.length < SEARCH_PAGE) return out;
      skip += records.length;
    }
  }

  /** GET /secret-templates/{id}. */
  async template(id: number, what: string): Promise<SsTemplate> {
    return parseTemplate(jsonBody(await this.call("GET", `/secret-templates/${id}`, what), "secretserver", what));
  }

  /** POST /secrets. */
  async createSecret(secret: SsSecret, what: string): Promise<void> {
    await this.call("POST", "/secrets", what, renderSecret(secret));
  }

  /** PUT /secrets/{id}. */
  async updateSecret(secret: SsSecret, what: string): Promise<void> {
    await this.call("PUT", `/secrets/${secret.ID}`, what, renderSecret(secret));
  }

  /** DELETE /secrets/{id}. */
  async deleteSecret(id: number, what: string): Promise<void> {
    await this.call("DELETE", `/secrets/${id}`, what);
  }

  /** GET /users/current: the token is accepted. */
  async currentUser(): Promise<void> {
    await this.call("GET", "/users/current", "current user");
  }
}
