/**
 * Loopback fake of the Grafana HTTP API's service-account endpoints, optionally under a path prefix
 * (`/grafana/api/...`): search (substring on name), create (name and role checked, duplicate names refused),
 * create token (name required and unique per account; the key is shown once), delete token (404 when gone).
 * Callers authenticate as an admin with basic credentials or a bearer token; a "viewer" bearer token gets 403.
 * Records `requests` (with any parsed body) and serves queued `faults`.
 */
import { randomBytes } from "node:crypto";
import type { ServerResponse } from "node:http";
import { type FakeRequest, type FakeServer, sendJson, startFakeServer } from "../support/fake-server.js";

export interface GrafanaRequest {
  method: string;
  path: string;
  query: string;
  auth: "basic" | "bearer" | "none";
  body?: Record<string, unknown>;
}

export interface FakeServiceAccount {
  id: number;
  name: string;
  login: string;
  role: string;
  tokens: Map<number, { id: number; name: string; key: string }>;
}

const ROLES = new Set(["None", "Viewer", "Editor", "Admin"]);

export class FakeGrafana {
  readonly accounts = new Map<number, FakeServiceAccount>();
  /** Tokens deleted through the API, as "<account id>/<token id>". */
  readonly deletedTokens: string[] = [];
  private readonly adminTokens = new Set<string>();
  private readonly viewerTokens = new Set<string>();
  private readonly users = new Map<string, string>();
  private server?: FakeServer<GrafanaRequest>;
  private nextId = 1;

  constructor(private readonly basePath = "") {}

  admin(user: string, password: string): this {
    this.users.set(user, password);
    return this;
  }
  adminToken(token: string): this {
    this.adminTokens.add(token);
    return this;
  }
  viewerToken(token: string): this {
    this.viewerTokens.add(token);
    return this;
  }

  /** An existing service account, as if made in the UI. */
  addAccount(name: string, role = "Viewer"): FakeServiceAccount {
    const sa: FakeServiceAccount = { id: this.nextId++, name, login: login(name), role, tokens: new Map() };
    this.accounts.set(sa.id, sa);
    return sa;
  }

  /** The account a live token belongs to, if any (a deleted token is no longer valid). */
  tokenOwner(key: string): FakeServiceAccount | undefined {
    return [...this.accounts.values()].find((sa) => [...sa.tokens.values()].some((t) => t.key === key));
  }

  get url(): string {
    return `${this.server!.url}${this.basePath}`;
  }
  get requests(): GrafanaRequest[] {
    return this.server!.requests;
  }
  get faults() {
    return this.server!.faults;
  }

  async start(): Promise<this> {
    const api = `${this.basePath}/api/serviceaccounts`;
    const guarded =
      (write: boolean, fn: (req: FakeRequest, res: ServerResponse, m: RegExpExecArray | null) => unknown) =>
      (req: FakeRequest, res: ServerResponse, m: RegExpExecArray | null) => {
        const who = this.caller(req);
        if (who === "none") return sendJson(res, 401, { message: "Unauthorized" });
        if (who === "viewer") {
          return sendJson(res, 403, {
            message: `You'll need additional permissions to perform this action. Permissions needed: serviceaccounts:${write ? "write" : "read"}`,
          });
        }
        return fn(req, res, m);
      };
    this.server = await startFakeServer<GrafanaRequest>({
      faultBody: (status) => ({ message: `injected ${status}` }),
      record: (req) => {
        let body: Record<string, unknown> | undefined;
        try {
          body = req.body.length ? req.json() : undefined;
        } catch {}
        const h = req.headers.authorization ?? "";
        const auth = /^Basic /i.test(h) ? "basic" : /^Bearer /i.test(h) ? "bearer" : "none";
        return { method: req.method, path: req.url.pathname, query: req.url.search, auth, body };
      },
      routes: [
        {
          method: "GET",
          path: `${api}/search`,
          handle: guarded(false, (req, res) => {
            const q = (req.url.searchParams.get("query") ?? "").toLowerCase();
            const perPage = Number(req.url.searchParams.get("perpage") ?? 1000);
            const page = Number(req.url.searchParams.get("page") ?? 1);
            const hits = [...this.accounts.values()].filter((sa) => sa.name.toLowerCase().includes(q));
            sendJson(res, 200, {
              totalCount: hits.length,
              serviceAccounts: hits.slice((page - 1) * perPage, page * perPage).map(view),
              page,
              perPage,
            });
          }),
        },
        {
          method: "POST",
          path: api,
          handle: guarded(true, (req, res) => {
            const body = parse(req);
            const name = typeof body?.name === "string" ? body.name.trim() : "";
            const role = typeof body?.role === "string" ? body.role : "";
            if (!name) return sendJson(res, 400, { message: "Required field: name" });
            if (role && !ROLES.has(role)) return sendJson(res, 400, { message: "invalid role value" });
            if ([...this.accounts.values()].some((sa) => sa.name === name)) {
              return sendJson(res, 409, { message: "service account already exists" });
            }
            const sa = this.addAccount(name, role || "Viewer");
            sendJson(res, 201, view(sa));
          }),
        },
        {
          method: "POST",
          path: new RegExp(`^${escapeRegExp(api)}/(\\d+)/tokens$`),
          handle: guarded(true, (req, res, m) => {
            const sa = this.accounts.get(Number(m![1]));
            if (!sa) return sendJson(res, 404, { message: "service account not found" });
            const name = parse(req)?.name;
            if (typeof name !== "string" || !name) return sendJson(res, 400, { message: "Required field: name" });
            if ([...sa.tokens.values()].some((t) => t.name === name)) {
              return sendJson(res, 409, { message: "service account token with given name already exists" });
            }
            const token = { id: this.nextId++, name, key: `glsa_${randomBytes(16).toString("hex")}` };
            sa.tokens.set(token.id, token);
            sendJson(res, 200, token);
          }),
        },
        {
          method: "DELETE",
          path: new RegExp(`^${escapeRegExp(api)}/(\\d+)/tokens/(\\d+)$`),
          handle: guarded(true, (_req, res, m) => {
            const sa = this.accounts.get(Number(m![1]));
            if (!sa?.tokens.delete(Number(m![2]))) {
              return sendJson(res, 404, { message: "service account token not found" });
            }
            this.deletedTokens.push(`${m![1]}/${m![2]}`);
            sendJson(res, 200, { message: "Service account token deleted" });
          }),
        },
      ],
    });
    return this;
  }

  async stop(): Promise<void> {
    await this.server?.close();
  }

  private caller(req: FakeRequest): "admin" | "viewer" | "none" {
    const h = req.headers.authorization ?? "";
    const bearer = /^Bearer (.+)$/i.exec(h)?.[1];
    if (bearer) return this.adminTokens.has(bearer) ? "admin" : this.viewerTokens.has(bearer) ? "viewer" : "none";
    const basic = /^Basic (.+)$/i.exec(h)?.[1];
    if (!basic) return "none";
    const text = Buffer.from(basic, "base64").toString("utf8");
    const i = text.indexOf(":");
    return i > 0 && this.users.get(text.slice(0, i)) === text.slice(i + 1) ? "admin" : "none";
  }
}

function login(name: string): string {
  return `sa-1-${name.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`;
}

function view(sa: FakeServiceAccount) {
  return {
    id: sa.id,
    name: sa.name,
    login: sa.login,
    orgId: 1,
    isDisabled: false,
    role: sa.role,
    tokens: sa.tokens.size,
    avatarUrl: "/avatar/x",
  };
}

function parse(req: FakeRequest): Record<string, unknown> | undefined {
  try {
    return req.json();
  } catch {
    return undefined;
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
