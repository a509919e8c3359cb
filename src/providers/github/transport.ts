/** The GitHub REST calls on Actions secrets: public key, get, create or update, delete, list, selected repositories. */
import { ProviderThrottledError } from "../errors.js";
import { httpRequest, jsonBody, statusError } from "../util/http-client.js";
import { type SecretsScope, secretsPath } from "./endpoints.js";
import { GITHUB_USER_AGENT, githubServiceMessage } from "./kit/index.js";

export interface GithubPublicKey {
  key_id: string;
  /** Base64 of the 32-byte Curve25519 public key secrets are sealed to. */
  key: string;
}

export interface GithubSecretMeta {
  name: string;
  visibility?: string;
}

export interface EncryptedSecret {
  encrypted_value: string;
  key_id: string;
  visibility?: string;
  selected_repository_ids?: number[];
}

export interface GithubCallOptions {
  base: string;
  token: () => Promise<string>;
  ca?: string;
  signal?: AbortSignal;
  /** Per-call timeout, already capped by the reconcile deadline. */
  timeoutMs: () => number;
}

type Res = Awaited<ReturnType<typeof httpRequest>>;

export class GithubActionsApi {
  private readonly path: string;

  constructor(
    private readonly opts: GithubCallOptions,
    readonly scope: SecretsScope,
  ) {
    this.path = secretsPath(scope);
  }

  private async call(method: string, path: string, what: string, body?: unknown): Promise<Res> {
    const token = await this.opts.token();
    let res: Res;
    try {
      res = await httpRequest({
        method,
        url: `${this.opts.base}${path}`,
        headers: {
          authorization: `Bearer ${token}`,
          accept: "application/vnd.github+json",
          "x-github-api-version": "2022-11-28",
          "user-agent": GITHUB_USER_AGENT,
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        ...(this.opts.ca ? { ca: this.opts.ca } : {}),
        timeoutMs: this.opts.timeoutMs(),
        signal: this.opts.signal,
        what: "github response",
      });
    } catch (err) {
      if (this.opts.signal?.aborted) throw err;
      throw new Error(`github: ${what}: request failed: ${(err as Error).message}`);
    }
    if (res.status >= 200 && res.status < 300) return res;
    // GitHub answers an exhausted primary rate limit with 403 and x-ratelimit-remaining: 0.
    if (res.status === 403 && res.headers["x-ratelimit-remaining"] === "0") {
      throw new ProviderThrottledError(`github: ${what}: rate limited (HTTP 403, rate limit exhausted)`);
    }
    throw statusError("github", what, res.status, githubServiceMessage(res.body, [token]));
  }

  async publicKey(): Promise<GithubPublicKey> {
    const what = "get public key";
    const res = await this.call("GET", `${this.path}/public-key`, what);
    const key = jsonBody<Partial<GithubPublicKey>>(res, "github", what);
    if (typeof key?.key !== "string" || typeof key.key_id !== "string") {
      throw new Error(`github: ${what}: response has no key`);
    }
    return { key: key.key, key_id: key.key_id };
  }

  /** The secret's metadata (GitHub never returns values); throws NoSecretError when it does not exist. */
  async getSecret(name: string): Promise<GithubSecretMeta> {
    const what = `get secret "${name}"`;
    const res = await this.call("GET", `${this.path}/${encodeURIComponent(name)}`, what);
    const meta = jsonBody<Partial<GithubSecretMeta>>(res, "github", what);
    return { name: typeof meta?.name === "string" ? meta.name : name, visibility: meta?.visibility };
  }

  async putSecret(name: string, secret: EncryptedSecret): Promise<void> {
    await this.call("PUT", `${this.path}/${encodeURIComponent(name)}`, `write secret "${name}"`, secret);
  }

  async deleteSecret(name: string): Promise<void> {
    await this.call("DELETE", `${this.path}/${encodeURIComponent(name)}`, `delete secret "${name}"`);
  }

  /** One page of the scope's secrets: the readiness check (can the installation list them?). */
  async listSecrets(): Promise<void> {
    await this.call("GET", `${this.path}?per_page=1`, "list secrets");
  }

  /** IDs of the repositories a "selected"-visibility organization secret is granted to, every page. */
  async selectedRepositoryIDs(name: string): Promise<number[]> {
    const what = `list selected repositories of secret "${name}"`;
    const ids: number[] = [];
    for (let page = 1; ; page++) {
      const path = `${this.path}/${encodeURIComponent(name)}/repositories?per_page=100&page=${page}`;
      const res = await this.call("GET", path, what);
      const body = jsonBody<{ total_count?: number; repositories?: { id?: unknown }[] }>(res, "github", what);
      const repos = Array.isArray(body?.repositories) ? body.repositories : [];
      for (const r of repos) if (typeof r?.id === "number") ids.push(r.id);
      const total = typeof body?.total_count === "number" ? body.total_count : ids.length;
      if (repos.length === 0 || ids.length >= total) return ids;
    }
  }
}
