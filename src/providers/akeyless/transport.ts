/** The Akeyless V2 API calls this provider makes: every call is a JSON POST. */
import { httpRequest, jsonBody, statusError } from "../util/http-client.js";

export type AkeylessItemType = "STATIC_SECRET" | "DYNAMIC_SECRET" | "ROTATED_SECRET" | string;

export interface AkeylessItem {
  item_name: string;
  item_type: AkeylessItemType;
  item_tags?: string[];
}

/** The gateway or SaaS endpoint; `what` names the item in errors, never values. */
export class AkeylessApi {
  private readonly base: string;

  constructor(
    url: string,
    private readonly ca?: string,
    private readonly signal?: AbortSignal,
    /** spec.ignoreCache: value reads bypass the gateway's cache. */
    private readonly ignoreCache = false,
  ) {
    this.base = url.replace(/\/+$/, "");
  }

  async post<T>(path: string, body: Record<string, unknown>, what: string): Promise<T> {
    let res: Awaited<ReturnType<typeof httpRequest>>;
    try {
      res = await httpRequest({
        method: "POST",
        url: `${this.base}${path}`,
        headers: { "content-type": "application/json", accept: "application/json" },
        body: JSON.stringify(body),
        ca: this.ca,
        signal: this.signal,
        what: "akeyless response",
      });
    } catch (err) {
      throw new Error(`akeyless: ${what}: request failed: ${(err as Error).message}`);
    }
    if (res.status >= 300) throw statusError("akeyless", what, res.status);
    return jsonBody<T>(res, "akeyless", what);
  }

  async auth(params: Record<string, unknown>): Promise<string> {
    const r = await this.post<{ token?: string }>("/auth", params, "authenticate");
    if (!r.token) throw new Error("akeyless: authenticate: response carries no token");
    return r.token;
  }

  describeItem(token: string, name: string): Promise<AkeylessItem> {
    return this.post("/describe-item", { name, token }, `describe item "${name}"`);
  }

  async staticValue(token: string, name: string, version?: number): Promise<string> {
    const body: Record<string, unknown> = { names: [name], token };
    if (version !== undefined) body.version = version;
    if (this.ignoreCache) body["ignore-cache"] = "true";
    const r = await this.post<Record<string, unknown>>("/get-secret-value", body, `static secret "${name}"`);
    const v = r[name];
    if (v === undefined || v === null) throw statusError("akeyless", `static secret "${name}"`, 404);
    return typeof v === "string" ? v : JSON.stringify(v);
  }

  async dynamicValue(token: string, name: string): Promise<string> {
    const r = await this.post<unknown>("/get-dynamic-secret-value", { name, token }, `dynamic secret "${name}"`);
    return typeof r === "string" ? r : JSON.stringify(r);
  }

  async rotatedValue(token: string, name: string, version?: number): Promise<string> {
    const body: Record<string, unknown> = { names: name, token };
    if (version !== undefined) body.version = version;
    if (this.ignoreCache) body["ignore-cache"] = "true";
    const r = await this.post<{ value?: unknown }>("/get-rotated-secret-value", body, `rotated secret "${name}"`);
    const v = r.value ?? r;
    return typeof v === "string" ? v : JSON.stringify(v);
  }

  async listItems(token: string, path: string, types: string[]): Promise<AkeylessItem[]> {
    const out: AkeylessItem[] = [];
    let next: string | undefined;
    do {
      const body: Record<string, unknown> = { token, path, type: types, "minimal-view": false };
      if (next) body["pagination-token"] = next;
      const r = await this.post<{ items?: AkeylessItem[]; next_page?: string }>(
        "/list-items",
        body,
        `list items under "${path}"`,
      );
      out.push(...(r.items ?? []));
      next = r.next_page || undefined;
    } while (next);
    return out;
  }

  async createSecret(token: string, name: string, value: string): Promise<void> {
    await this.post("/create-secret", { name, value, token }, `create secret "${name}"`);
  }

  async updateSecret(token: string, name: string, value: string): Promise<void> {
    await this.post("/update-secret-val", { name, value, token }, `update secret "${name}"`);
  }

  async deleteItem(token: string, name: string): Promise<void> {
    await this.post("/delete-item", { name, token }, `delete item "${name}"`);
  }
}
