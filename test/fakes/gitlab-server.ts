/**
 * Loopback fake of the GitLab REST API v4 CI/CD variable endpoints: PRIVATE-TOKEN auth, `filter[environment_scope]`,
 * page/per_page pagination with X-Next-Page, `{message}` error bodies, and the project's ancestor groups; and
 * project/group deploy tokens (create with name/scopes/username/expires_at checked as GitLab checks them, revoke).
 */

import { randomBytes } from "node:crypto";
import type { ServerResponse } from "node:http";
import { type FakeRequest, type Fault, sendJson as send, startFakeServer } from "../support/fake-server.js";

export interface FakeVariable {
  key: string;
  value: string;
  environment_scope?: string;
}

export interface FakeDeployToken {
  id: number;
  /** "projects/<id or path>" or "groups/<id or path>", as addressed. */
  owner: string;
  name: string;
  username: string;
  scopes: string[];
  expires_at: string | null;
  token: string;
  revoked: boolean;
}

export interface GitlabFake {
  url: string;
  token: string;
  projects: Map<string, { variables: FakeVariable[]; groups: string[] }>;
  groups: Map<string, FakeVariable[]>;
  deployTokens: FakeDeployToken[];
  faults: Fault[];
  requests: string[];
  close(): Promise<void>;
}

const full = (v: FakeVariable) => ({
  variable_type: "env_var",
  protected: false,
  masked: false,
  raw: false,
  environment_scope: "*",
  ...v,
});

function page(res: ServerResponse, u: URL, all: FakeVariable[]): void {
  const perPage = Number(u.searchParams.get("per_page") ?? 20);
  const n = Number(u.searchParams.get("page") ?? 1);
  const items = all.slice((n - 1) * perPage, n * perPage).map(full);
  const next = n * perPage < all.length ? String(n + 1) : "";
  send(res, 200, items, { "x-next-page": next, "x-page": String(n), "x-per-page": String(perPage) });
}

function one(res: ServerResponse, vars: FakeVariable[], key: string, scope: string | null) {
  const found = vars.filter((v) => v.key === key && (scope === null || (v.environment_scope ?? "*") === scope));
  if (found.length === 0) return send(res, 404, { message: "404 Variable Not Found" });
  if (found.length > 1) {
    return send(res, 409, {
      message: "There are multiple variables with provided parameters. Please use 'filter[environment_scope]'",
    });
  }
  send(res, 200, full(found[0]!));
}

const DEPLOY_SCOPES = [
  "read_repository",
  "read_registry",
  "write_registry",
  "read_package_registry",
  "write_package_registry",
];
const PROJECT_ONLY_SCOPES = ["read_virtual_registry", "write_virtual_registry"];

/** POST creates a deploy token (201, the only answer carrying `token`); DELETE revokes one (204). */
function deployTokens(
  fake: Pick<GitlabFake, "deployTokens">,
  req: FakeRequest,
  res: ServerResponse,
  owner: string,
  id: string | undefined,
) {
  if (req.method === "DELETE" && id) {
    const t = fake.deployTokens.find((d) => d.owner === owner && String(d.id) === id && !d.revoked);
    if (!t) return send(res, 404, { message: "404 Not found" });
    t.revoked = true;
    res.writeHead(204).end();
    return;
  }
  if (req.method !== "POST" || id) return send(res, 405, { message: "405 Method Not Allowed" });
  let body: { name?: unknown; scopes?: unknown; username?: unknown; expires_at?: unknown };
  try {
    body = req.json();
  } catch {
    return send(res, 400, { error: "invalid JSON" });
  }
  if (typeof body.name !== "string" || !body.name) return send(res, 400, { error: "name is missing" });
  const allowed = owner.startsWith("projects/") ? [...DEPLOY_SCOPES, ...PROJECT_ONLY_SCOPES] : DEPLOY_SCOPES;
  const scopes = body.scopes;
  if (!Array.isArray(scopes) || scopes.length === 0) return send(res, 400, { error: "scopes is missing" });
  if (scopes.some((s) => !allowed.includes(s))) return send(res, 400, { error: "scopes does not have a valid value" });
  let expires: string | null = null;
  if (body.expires_at !== undefined) {
    const ms = typeof body.expires_at === "string" ? Date.parse(body.expires_at) : Number.NaN;
    if (Number.isNaN(ms)) return send(res, 400, { error: "expires_at is invalid" });
    if (ms <= Date.now()) return send(res, 400, { message: { expires_at: ["must be in the future"] } });
    expires = new Date(ms).toISOString();
  }
  const tokenId = fake.deployTokens.length + 1;
  const t: FakeDeployToken = {
    id: tokenId,
    owner,
    name: body.name,
    username: typeof body.username === "string" && body.username ? body.username : `gitlab+deploy-token-${tokenId}`,
    scopes: scopes as string[],
    expires_at: expires,
    token: `gldt-${randomBytes(10).toString("hex")}`,
    revoked: false,
  };
  fake.deployTokens.push(t);
  send(res, 201, {
    id: t.id,
    name: t.name,
    username: t.username,
    expires_at: t.expires_at,
    scopes: t.scopes,
    revoked: false,
    expired: false,
    token: t.token,
  });
}

export async function startGitlabFake(token = "glpat-test"): Promise<GitlabFake> {
  const fake = {
    token,
    projects: new Map(),
    groups: new Map(),
    deployTokens: [],
    faults: [] as Fault[],
    requests: [] as string[],
  } as Omit<GitlabFake, "url" | "close">;
  const server = await startFakeServer({
    faults: fake.faults,
    faultBody: (status) => ({ message: `${status} injected` }),
    requests: fake.requests,
    record: (req) => `${req.method} ${req.url.pathname}${req.url.search}`,
    fallback: (req, res) => {
      const u = req.url;
      if (req.headers["private-token"] !== fake.token) return send(res, 401, { message: "401 Unauthorized" });
      const parts = u.pathname.split("/").map(decodeURIComponent);
      // ["", "api", "v4", kind, id, sub?, key?]
      if (parts[1] !== "api" || parts[2] !== "v4") return send(res, 404, { error: "404 Not Found" });
      const [kind, id, sub, key] = parts.slice(3);
      const scope = u.searchParams.get("filter[environment_scope]");
      if (kind === "projects") {
        const p = fake.projects.get(id ?? "");
        if (!p) return send(res, 404, { message: "404 Project Not Found" });
        if (!sub) return send(res, 200, { id, name: id });
        if (sub === "deploy_tokens") return deployTokens(fake, req, res, `projects/${id}`, key);
        if (sub === "groups")
          return send(
            res,
            200,
            p.groups.map((g) => ({ id: Number(g) || g, full_path: g })),
          );
        if (sub === "variables" && key) return one(res, p.variables, key, scope);
        if (sub === "variables") return page(res, u, p.variables);
      }
      if (kind === "groups") {
        const g = fake.groups.get(id ?? "");
        if (!g) return send(res, 404, { message: "404 Group Not Found" });
        if (!sub) return send(res, 200, { id, name: id });
        if (sub === "deploy_tokens") return deployTokens(fake, req, res, `groups/${id}`, key);
        if (sub === "variables" && key) return one(res, g, key, scope);
        if (sub === "variables") return page(res, u, g);
      }
      send(res, 404, { error: "404 Not Found" });
    },
  });
  return Object.assign(fake, { url: server.url, close: server.close });
}
