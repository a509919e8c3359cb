/**
 * Loopback fake of GitHub's "create an installation access token" call and of the Actions secrets API
 * (organization, repository and environment secrets: public key, get, list, create or update, delete, selected
 * repositories), whose calls must carry an installation token it issued. Written values are opened with the
 * scope's private key (a value that does not open is refused as GitHub refuses it) and kept in `secrets`.
 * The token call is checked as GitHub checks it: a
 * User-Agent, a Bearer JWT signed RS256 with the App's private key (verified with its public key), iss naming
 * a known App, iat not in the future, exp in the future and at most 10 minutes ahead, an installation of that
 * App, requested repositories among the installation's and permissions within its grant. Served both at the
 * root (github.com's API host) and under /api/v3 (GitHub Enterprise Server).
 */
import { createPublicKey, createVerify, type KeyObject, randomBytes } from "node:crypto";
import type { ServerResponse } from "node:http";
import sodium from "libsodium-wrappers";
import { type FakeRequest, type Fault, sendJson as send, startFakeServer } from "../support/fake-server.js";

export interface FakeInstallation {
  appID: string;
  repositories: string[];
  /** permission -> "read" | "write" the App was granted. */
  permissions: Record<string, string>;
}

export interface GithubTokenRequest {
  path: string;
  userAgent?: string;
  claims?: { iat: number; exp: number; iss: string };
  body?: unknown;
}

export interface IssuedGithubToken {
  token: string;
  installID: string;
  repositories?: string[];
  permissions: Record<string, string>;
}

/** One stored Actions secret: the opened value, as only GitHub (and this fake) can see it. */
export interface FakeActionsSecret {
  name: string;
  value: Buffer;
  visibility?: string;
  selectedRepositoryIDs?: number[];
  updatedAt: string;
}

export interface ActionsCall {
  method: string;
  /** The path without the /api/v3 prefix and query. */
  path: string;
  body?: any;
}

interface ScopeKeys {
  keyID: string;
  publicKey: Uint8Array;
  privateKey: Uint8Array;
}

const SCOPE_PATH =
  /^(?:\/api\/v3)?(\/orgs\/[^/]+\/actions\/secrets|\/repos\/[^/]+\/[^/]+\/actions\/secrets|\/repos\/[^/]+\/[^/]+\/environments\/[^/]+\/secrets)(?:\/([^/]+))?(\/repositories)?$/;

const LEVEL: Record<string, number> = { read: 1, write: 2, admin: 3 };
const MAX_JWT_LIFETIME_S = 600;

export class FakeGithub {
  url = "";
  readonly apps = new Map<string, KeyObject>();
  readonly installations = new Map<string, FakeInstallation>();
  readonly requests: GithubTokenRequest[] = [];
  readonly issued: IssuedGithubToken[] = [];
  readonly faults: Fault[] = [];
  /** Actions secrets by scope path (e.g. "/orgs/acme/actions/secrets"), then by upper-cased name. */
  readonly secrets = new Map<string, Map<string, FakeActionsSecret>>();
  readonly actionsCalls: ActionsCall[] = [];
  /** Repositories by id (the "selected repositories" of organization secrets are listed from here). */
  readonly repositoryNames = new Map<number, string>();
  /** Answer the next Actions call with 403 and x-ratelimit-remaining: 0 (an exhausted primary rate limit). */
  rateLimitNext = false;
  /** Page size the selected-repositories listing uses at most (GitHub: per_page, at most 100). */
  maxPageSize = 100;
  private readonly scopeKeys = new Map<string, ScopeKeys>();
  private server?: Awaited<ReturnType<typeof startFakeServer>>;

  addApp(appID: string, publicKeyPem: string): this {
    this.apps.set(appID, createPublicKey(publicKeyPem));
    return this;
  }

  addInstallation(installID: string, inst: FakeInstallation): this {
    this.installations.set(installID, inst);
    return this;
  }

  /** The stored secret of a scope path, by its name (case-insensitive, as GitHub). */
  secret(scopePath: string, name: string): FakeActionsSecret | undefined {
    return this.secrets.get(scopePath)?.get(name.toUpperCase());
  }

  /** Rotates a scope's key pair: values sealed to the old key no longer open. */
  rotateKey(scopePath: string): void {
    this.scopeKeys.delete(scopePath);
  }

  private keysOf(scopePath: string): ScopeKeys {
    let k = this.scopeKeys.get(scopePath);
    if (!k) {
      const kp = sodium.crypto_box_keypair();
      k = { keyID: String(Math.floor(Math.random() * 1e18)), publicKey: kp.publicKey, privateKey: kp.privateKey };
      this.scopeKeys.set(scopePath, k);
    }
    return k;
  }

  async start(): Promise<this> {
    await sodium.ready;
    this.server = await startFakeServer({
      faults: this.faults,
      faultBody: (status) => ({ message: `injected ${status}`, documentation_url: "https://docs.github.com" }),
      record: () => "",
      routes: [
        {
          method: "POST",
          path: /^(?:\/api\/v3)?\/app\/installations\/([^/]+)\/access_tokens$/,
          handle: (req, res, m) => this.createToken(req, res, decodeURIComponent(m![1]!)),
        },
        { path: SCOPE_PATH, handle: (req, res, m) => this.actions(req, res, m!) },
      ],
      fallback: (_req, res) => send(res, 404, { message: "Not Found" }),
    });
    this.url = this.server.url;
    return this;
  }

  async stop(): Promise<void> {
    await this.server?.close();
  }

  /** The verified claims, or the 401 message GitHub would give. */
  private verifyJwt(header: string | undefined): { claims: { iat: number; exp: number; iss: string } } | string {
    const m = /^Bearer (.+)$/.exec(header ?? "");
    if (!m) return "Bad credentials";
    const parts = m[1]!.split(".");
    if (parts.length !== 3) return "A JSON web token could not be decoded";
    const [h, p, s] = parts as [string, string, string];
    let head: { alg?: string };
    let claims: { iat?: unknown; exp?: unknown; iss?: unknown };
    try {
      head = JSON.parse(Buffer.from(h, "base64url").toString("utf8"));
      claims = JSON.parse(Buffer.from(p, "base64url").toString("utf8"));
    } catch {
      return "A JSON web token could not be decoded";
    }
    if (head.alg !== "RS256") return "A JSON web token could not be decoded";
    const key = this.apps.get(String(claims.iss));
    if (!key) return "Integration not found";
    const ok = createVerify("RSA-SHA256").update(`${h}.${p}`).verify(key, Buffer.from(s, "base64url"));
    if (!ok) return "A JSON web token could not be decoded";
    const now = Math.floor(Date.now() / 1000);
    if (typeof claims.iat !== "number" || claims.iat > now + 1) {
      return "'Issued at' claim ('iat') must be an Integer representing a time in the past.";
    }
    if (typeof claims.exp !== "number" || claims.exp <= now) {
      return "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires.";
    }
    if (claims.exp > now + MAX_JWT_LIFETIME_S + 1) return "'Expiration time' claim ('exp') is too far in the future.";
    return { claims: { iat: claims.iat, exp: claims.exp, iss: String(claims.iss) } };
  }

  private createToken(req: FakeRequest, res: ServerResponse, installID: string) {
    const userAgent = req.headers["user-agent"];
    const record: GithubTokenRequest = { path: req.url.pathname, ...(userAgent ? { userAgent } : {}) };
    this.requests.push(record);
    if (!userAgent) {
      return send(res, 403, {
        message: "Request forbidden by administrative rules. Please make sure your request has a User-Agent header.",
      });
    }
    const verified = this.verifyJwt(req.headers.authorization);
    if (typeof verified === "string") return send(res, 401, { message: verified });
    record.claims = verified.claims;
    const inst = this.installations.get(installID);
    if (!inst || inst.appID !== verified.claims.iss) return send(res, 404, { message: "Not Found" });
    let body: { repositories?: unknown; permissions?: unknown };
    try {
      body = req.body.length ? req.json() : {};
    } catch {
      return send(res, 400, { message: "Problems parsing JSON" });
    }
    record.body = req.body.length ? body : undefined;
    const repos = body.repositories as string[] | undefined;
    if (repos?.some((r) => !inst.repositories.includes(r))) {
      return send(res, 422, {
        message:
          "There is at least one repository that does not exist or is not accessible to the parent installation.",
      });
    }
    const wanted = (body.permissions ?? inst.permissions) as Record<string, string>;
    for (const [perm, level] of Object.entries(wanted)) {
      if ((LEVEL[level] ?? 99) > (LEVEL[inst.permissions[perm] ?? ""] ?? 0)) {
        return send(res, 422, { message: "The permissions requested are not granted to this installation." });
      }
    }
    const token = `ghs_${randomBytes(18).toString("hex")}`;
    this.issued.push({ token, installID, ...(repos ? { repositories: repos } : {}), permissions: wanted });
    send(res, 201, {
      token,
      expires_at: new Date(Date.now() + 3600_000).toISOString().replace(/\.\d+Z$/, "Z"),
      permissions: wanted,
      repository_selection: repos ? "selected" : "all",
      ...(repos ? { repositories: repos.map((name, i) => ({ id: 1000 + i, name })) } : {}),
    });
  }

  private actions(req: FakeRequest, res: ServerResponse, m: RegExpExecArray) {
    const scopePath = decodeURIComponent(m[1]!);
    const name = m[2] ? decodeURIComponent(m[2]) : undefined;
    const call: ActionsCall = { method: req.method, path: req.url.pathname.replace(/^\/api\/v3/, "") };
    this.actionsCalls.push(call);
    if (!req.headers["user-agent"]) return send(res, 403, { message: "Missing User-Agent" });
    const auth = /^Bearer (.+)$/.exec(req.headers.authorization ?? "");
    if (!auth || !this.issued.some((t) => t.token === auth[1])) {
      return send(res, 401, { message: "Bad credentials", documentation_url: "https://docs.github.com/rest" });
    }
    if (this.rateLimitNext) {
      this.rateLimitNext = false;
      res.writeHead(403, { "content-type": "application/json", "x-ratelimit-remaining": "0" });
      return res.end(JSON.stringify({ message: "API rate limit exceeded for installation." }));
    }
    const store = this.secrets.get(scopePath) ?? new Map<string, FakeActionsSecret>();
    this.secrets.set(scopePath, store);
    const isOrg = scopePath.startsWith("/orgs/");
    const view = (s: FakeActionsSecret) => ({
      name: s.name,
      created_at: s.updatedAt,
      updated_at: s.updatedAt,
      ...(isOrg ? { visibility: s.visibility ?? "all" } : {}),
      ...(isOrg && s.visibility === "selected"
        ? { selected_repositories_url: `${this.url}${scopePath}/${s.name}/repositories` }
        : {}),
    });
    if (name === "public-key" && !m[3] && req.method === "GET") {
      const k = this.keysOf(scopePath);
      return send(res, 200, { key_id: k.keyID, key: Buffer.from(k.publicKey).toString("base64") });
    }
    if (!name) {
      if (req.method !== "GET") return send(res, 404, { message: "Not Found" });
      const all = [...store.values()];
      const perPage = Math.min(Number(req.url.searchParams.get("per_page") ?? 30), 100);
      return send(res, 200, { total_count: all.length, secrets: all.slice(0, perPage).map(view) });
    }
    const existing = store.get(name.toUpperCase());
    if (m[3]) {
      if (!isOrg || req.method !== "GET") return send(res, 404, { message: "Not Found" });
      if (existing?.visibility !== "selected") return send(res, 404, { message: "Not Found" });
      const ids = existing.selectedRepositoryIDs ?? [];
      const perPage = Math.min(Number(req.url.searchParams.get("per_page") ?? 30), this.maxPageSize);
      const page = Number(req.url.searchParams.get("page") ?? 1);
      const slice = ids.slice((page - 1) * perPage, page * perPage);
      return send(res, 200, {
        total_count: ids.length,
        repositories: slice.map((id) => ({ id, name: this.repositoryNames.get(id) ?? `repo-${id}` })),
      });
    }
    if (req.method === "GET")
      return existing ? send(res, 200, view(existing)) : send(res, 404, { message: "Not Found" });
    if (req.method === "DELETE") {
      if (!existing) return send(res, 404, { message: "Not Found" });
      store.delete(name.toUpperCase());
      res.writeHead(204);
      return res.end();
    }
    if (req.method !== "PUT") return send(res, 404, { message: "Not Found" });
    let body: { encrypted_value?: unknown; key_id?: unknown; visibility?: unknown; selected_repository_ids?: unknown };
    try {
      body = req.json();
    } catch {
      return send(res, 400, { message: "Problems parsing JSON" });
    }
    call.body = body;
    const k = this.keysOf(scopePath);
    if (body.key_id !== k.keyID)
      return send(res, 422, { message: "Bad request - key_id does not match the public key" });
    let value: Uint8Array;
    try {
      value = sodium.crypto_box_seal_open(
        Buffer.from(String(body.encrypted_value ?? ""), "base64"),
        k.publicKey,
        k.privateKey,
      );
    } catch {
      return send(res, 422, { message: "Bad request - the encrypted value could not be decrypted" });
    }
    if (isOrg && !["all", "private", "selected"].includes(String(body.visibility))) {
      return send(res, 422, { message: "Invalid request. visibility is required for organization secrets." });
    }
    store.set(name.toUpperCase(), {
      name: name.toUpperCase(),
      value: Buffer.from(value),
      ...(isOrg ? { visibility: String(body.visibility) } : {}),
      ...(isOrg && body.visibility === "selected"
        ? { selectedRepositoryIDs: Array.isArray(body.selected_repository_ids) ? body.selected_repository_ids : [] }
        : {}),
      updatedAt: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
    });
    res.writeHead(existing ? 204 : 201, existing ? {} : { "content-type": "application/json" });
    return res.end(existing ? undefined : "{}");
  }
}
