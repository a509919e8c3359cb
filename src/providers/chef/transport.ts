/** The Chef Infra Server API calls this provider makes (data bags and the user), each request signed. */
import type { KeyObject } from "node:crypto";
import { capTimeout } from "../../runtime/deadline.js";
import { httpRequest, jsonBody, statusError } from "../util/http-client.js";
import { chefTimestamp, signedHeaders } from "./signing.js";

/** Upstream's per-item timeout. */
const TIMEOUT_MS = 25_000;
const P = "chef";
/** The Chef client version this operator announces (X-Chef-Version). */
const CHEF_VERSION = "18.0.0";

export interface ChefCall {
  signal?: AbortSignal;
  deadline?: number;
}

export class ChefApi {
  constructor(
    /** The server URL with the organization, ending in "/". */
    private readonly serverUrl: string,
    private readonly userId: string,
    private readonly key: KeyObject,
    private readonly call: ChefCall,
    private readonly now: () => Date = () => new Date(),
  ) {}

  private async get(relative: string, what: string): Promise<unknown> {
    // A "." or ".." segment would be resolved away and address another resource than the one named.
    if (relative.split("/").some((s) => s === "." || s === "..")) throw new Error(`${P}: ${what}: invalid name`);
    const url = new URL(relative, this.serverUrl);
    const sign = signedHeaders(
      { method: "GET", path: url.pathname, body: "", userId: this.userId, timestamp: chefTimestamp(this.now()) },
      this.key,
    );
    let res: Awaited<ReturnType<typeof httpRequest>>;
    try {
      res = await httpRequest({
        url: url.toString(),
        headers: { accept: "application/json", "x-chef-version": CHEF_VERSION, ...sign },
        signal: this.call.signal,
        timeoutMs: capTimeout(TIMEOUT_MS, this.call.deadline),
        what: "chef response",
      });
    } catch (err) {
      throw new Error(`${P}: ${what}: request failed: ${(err as Error).message}`);
    }
    if (res.status >= 300) throw statusError(P, what, res.status);
    return jsonBody(res, P, what);
  }

  /** GET data/<bag>/<item>: the item's JSON. */
  item(bag: string, item: string): Promise<unknown> {
    const path = `data/${encodeURIComponent(bag)}/${encodeURIComponent(item)}`;
    return this.get(path, `data bag item ${item} in data bag ${bag}`);
  }

  /** GET data/<bag>: the bag's item names (mapped to their URLs). */
  async items(bag: string): Promise<string[]> {
    const body = await this.get(`data/${encodeURIComponent(bag)}`, `list items in data bag ${bag}`);
    return body && typeof body === "object" ? Object.keys(body) : [];
  }

  /** GET users/<name>: checks the signing key against the user. */
  async user(name: string): Promise<void> {
    await this.get(`users/${encodeURIComponent(name)}`, `user ${name}`);
  }
}
