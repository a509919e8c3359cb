/**
 * Loopback fake of GitHub's "create an installation access token" call, checked as GitHub checks it: a
 * User-Agent, a Bearer JWT signed RS256 with the App's private key (verified with its public key), iss naming
 * a known App, iat not in the future, exp in the future and at most 10 minutes ahead, an installation of that
 * App, requested repositories among the installation's and permissions within its grant. Served both at the
 * root (github.com's API host) and under /api/v3 (GitHub Enterprise Server).
 */
import { createPublicKey, createVerify, type KeyObject, randomBytes } from "node:crypto";
import type { ServerResponse } from "node:http";
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

const LEVEL: Record<string, number> = { read: 1, write: 2, admin: 3 };
const MAX_JWT_LIFETIME_S = 600;

export class FakeGithub {
  url = "";
  readonly apps = new Map<string, KeyObject>();
  readonly installations = new Map<string, FakeInstallation>();
  readonly requests: GithubTokenRequest[] = [];
  readonly issued: IssuedGithubToken[] = [];
  readonly faults: Fault[] = [];
  private server?: Awaited<ReturnType<typeof startFakeServer>>;

  addApp(appID: string, publicKeyPem: string): this {
    this.apps.set(appID, createPublicKey(publicKeyPem));
    return this;
  }

  addInstallation(installID: string, inst: FakeInstallation): this {
    this.installations.set(installID, inst);
    return this;
  }

  async start(): Promise<this> {
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
}
