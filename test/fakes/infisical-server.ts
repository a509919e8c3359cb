/**
 * Loopback fake of the Infisical API (the endpoints the provider calls), following the documented wire format:
 * machine-identity logins at /api/v1/auth/<method>/login answering {accessToken, expiresIn, tokenType}, bearer
 * tokens, the raw secrets endpoints (/api/v3/secrets/raw) with folders, versions, imports, recursion and
 * ${NAME} reference expansion, the project lookup by slug, and {statusCode, message, error} error bodies.
 */
import { randomUUID } from "node:crypto";
import type { ServerResponse } from "node:http";
import { type FakeRequest, sendJson, startFakeServer } from "../support/fake-server.js";

export interface FakeSecret {
  env: string;
  /** Folder, "/" or "/a/b". */
  path: string;
  key: string;
  /** Every version's value, oldest first. */
  versions: string[];
}

export interface FakeProject {
  id: string;
  slug: string;
  secrets: FakeSecret[];
  /** Folder `path` of `env` imports the secrets of folder `fromPath` of `fromEnv`. */
  imports: { env: string; path: string; fromEnv: string; fromPath: string }[];
}

/** A login method: given the login body, the identity id it proves, or undefined to refuse. */
export type LoginCheck = (body: Record<string, any>) => string | undefined;

export interface InfisicalRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  authorization?: string;
}

export interface InfisicalFake {
  url: string;
  projects: Map<string, FakeProject>;
  /** Login checks by method path segment ("universal-auth", "kubernetes-auth", ...). */
  logins: Map<string, LoginCheck>;
  /** Issued (or given) access tokens -> identity id. */
  tokens: Map<string, { identityId: string; expiresAt: number }>;
  /** Project slugs each identity may use; an identity absent here may use every project. */
  access: Map<string, Set<string>>;
  /** Seconds an issued token lives. */
  tokenTtl: number;
  /** Serve the project lookup only on the older /v1/workspace/slug route. */
  legacyProjectRoute: boolean;
  faults: (number | { status?: number; body?: unknown; hang?: boolean; delayMs?: number })[];
  requests: InfisicalRequest[];
  /** Adds a project with its secrets (`"/folder/NAME": value`, or `NAME` at the root), for environment `env`. */
  addProject(slug: string, env: string, secrets: Record<string, string>): FakeProject;
  /** Issues a token for an identity, as a login would. */
  issue(identityId: string): string;
  close(): Promise<void>;
}

function fail(res: ServerResponse, status: number, error: string, message: string): void {
  sendJson(res, status, { reqId: `req-${randomUUID()}`, statusCode: status, message, error });
}

const normalise = (p: string | null | undefined) => {
  const s = `/${(p ?? "/").split("/").filter(Boolean).join("/")}`;
  return s;
};

/** `tls`: serve HTTPS with this key pair (PEM), for caBundle / caProvider tests. */
export async function startInfisicalFake(tls?: { key: string; cert: string }): Promise<InfisicalFake> {
  const fake = {
    projects: new Map<string, FakeProject>(),
    logins: new Map<string, LoginCheck>(),
    tokens: new Map<string, { identityId: string; expiresAt: number }>(),
    access: new Map<string, Set<string>>(),
    tokenTtl: 7200,
    legacyProjectRoute: false,
    faults: [] as InfisicalFake["faults"],
    requests: [] as InfisicalRequest[],
  } as InfisicalFake;

  fake.addProject = (slug, env, secrets) => {
    const p = fake.projects.get(slug) ?? { id: randomUUID(), slug, secrets: [], imports: [] };
    for (const [k, value] of Object.entries(secrets)) {
      const slash = k.lastIndexOf("/");
      const path = slash < 0 ? "/" : normalise(k.slice(0, slash));
      const key = slash < 0 ? k : k.slice(slash + 1);
      p.secrets.push({ env, path, key, versions: [value] });
    }
    fake.projects.set(slug, p);
    return p;
  };
  fake.issue = (identityId) => {
    const token = `inf.at.${randomUUID()}`;
    fake.tokens.set(token, { identityId, expiresAt: Date.now() + fake.tokenTtl * 1000 });
    return token;
  };

  const authed = (req: FakeRequest, res: ServerResponse): string | undefined => {
    const h = req.headers.authorization ?? "";
    const t = fake.tokens.get(h.startsWith("Bearer ") ? h.slice(7) : "");
    if (!t) {
      fail(res, 401, "UnauthorizedError", "Failed to authenticate: invalid or missing token");
      return undefined;
    }
    if (t.expiresAt < Date.now()) {
      fail(res, 401, "UnauthorizedError", "Failed to authenticate: token expired");
      return undefined;
    }
    return t.identityId;
  };

  /** The project a request names (slug or id) if the identity may use it; otherwise answers and returns undefined. */
  const project = (res: ServerResponse, identityId: string, from: Record<string, any>): FakeProject | undefined => {
    const slug = from.workspaceSlug ?? from.projectSlug;
    const id = from.workspaceId ?? from.projectId;
    const p = slug
      ? fake.projects.get(String(slug))
      : [...fake.projects.values()].find((x) => id && x.id === String(id));
    if (!p && id) {
      fail(res, 404, "NotFound", `Project with ID '${id}' not found`);
      return undefined;
    }
    const allowed = fake.access.get(identityId);
    if (!p || (allowed && !allowed.has(p.slug))) {
      fail(res, 403, "PermissionDenied", "You are not allowed to access this project");
      return undefined;
    }
    if (!from.environment) {
      fail(res, 400, "BadRequest", "environment is required");
      return undefined;
    }
    return p;
  };

  const find = (p: FakeProject, env: string, path: string, key: string) =>
    p.secrets.find((s) => s.env === env && s.path === path && s.key === key);

  const expand = (p: FakeProject, env: string, path: string, value: string, depth = 0): string =>
    depth > 5
      ? value
      : value.replace(/\$\{([A-Za-z0-9_.-]+)\}/g, (whole, name: string) => {
          const ref = find(p, env, path, name);
          return ref ? expand(p, env, path, ref.versions.at(-1)!, depth + 1) : whole;
        });

  const view = (p: FakeProject, s: FakeSecret, value: string, withPath: boolean) => ({
    id: `${p.id}:${s.env}:${s.path}:${s.key}`,
    workspace: p.id,
    environment: s.env,
    version: s.versions.length,
    type: "shared",
    secretKey: s.key,
    secretValue: value,
    secretComment: "",
    ...(withPath ? { secretPath: s.path } : {}),
  });

  const server = await startFakeServer<InfisicalRequest>({
    tls,
    faults: fake.faults,
    faultBody: (status) => ({ statusCode: status, message: `injected fault ${status}`, error: "Injected" }),
    requests: fake.requests,
    record: (req) => ({
      method: req.method,
      path: req.url.pathname,
      query: Object.fromEntries(req.url.searchParams),
      authorization: req.headers.authorization,
    }),
    routes: [
      {
        method: "POST",
        path: /^\/api\/v1\/auth\/([a-z-]+)\/login$/,
        handle: (req, res, m) => {
          const check = fake.logins.get(m![1]!);
          const body = req.json();
          const identityId = check?.(body);
          if (!identityId) return fail(res, 401, "UnauthorizedError", "Failed to authenticate identity");
          sendJson(res, 200, {
            accessToken: fake.issue(identityId),
            expiresIn: fake.tokenTtl,
            accessTokenMaxTTL: fake.tokenTtl,
            tokenType: "Bearer",
          });
        },
      },
      {
        method: "GET",
        path: /^\/api\/v1\/(projects|workspace)\/slug\/([^/]+)$/,
        handle: (req, res, m) => {
          const who = authed(req, res);
          if (!who) return;
          if ((m![1] === "projects") === fake.legacyProjectRoute) return fail(res, 404, "NotFound", "Route not found");
          const p = fake.projects.get(decodeURIComponent(m![2]!));
          const allowed = fake.access.get(who);
          if (!p || (allowed && !allowed.has(p.slug))) return fail(res, 404, "NotFound", "Project not found");
          sendJson(res, 200, { id: p.id, slug: p.slug, name: p.slug });
        },
      },
      {
        method: "GET",
        path: "/api/v3/secrets/raw",
        handle: (req, res) => {
          const who = authed(req, res);
          if (!who) return;
          const q = Object.fromEntries(req.url.searchParams);
          const p = project(res, who, q);
          if (!p) return;
          const path = normalise(q.secretPath);
          const recursive = q.recursive === "true";
          const expandRefs = q.expandSecretReferences !== "false";
          const inScope = (s: FakeSecret) =>
            s.env === q.environment &&
            (s.path === path || (recursive && s.path.startsWith(path === "/" ? "/" : `${path}/`)));
          const secrets = p.secrets
            .filter(inScope)
            .map((s) =>
              view(p, s, expandRefs ? expand(p, s.env, s.path, s.versions.at(-1)!) : s.versions.at(-1)!, recursive),
            );
          const imports =
            q.include_imports === "true"
              ? p.imports
                  .filter((i) => i.env === q.environment && i.path === path)
                  .map((i) => ({
                    secretPath: i.fromPath,
                    environment: i.fromEnv,
                    folderId: randomUUID(),
                    secrets: p.secrets
                      .filter((s) => s.env === i.fromEnv && s.path === i.fromPath)
                      .map((s) => view(p, s, s.versions.at(-1)!, false)),
                  }))
              : [];
          sendJson(res, 200, { secrets, imports });
        },
      },
      {
        path: /^\/api\/v3\/secrets\/raw\/([^/]+)$/,
        handle: (req, res, m) => {
          const who = authed(req, res);
          if (!who) return;
          const name = decodeURIComponent(m![1]!);
          const from = req.method === "GET" ? Object.fromEntries(req.url.searchParams) : req.json();
          const p = project(res, who, from);
          if (!p) return;
          const path = normalise(from.secretPath);
          const existing = find(p, from.environment, path, name);
          if (req.method === "GET") {
            let s = existing;
            if (!s && from.include_imports === "true") {
              for (const i of p.imports.filter((x) => x.env === from.environment && x.path === path)) {
                s ??= find(p, i.fromEnv, i.fromPath, name);
              }
            }
            if (!s) return fail(res, 404, "NotFound", `Secret with name '${name}' not found`);
            const v = from.version ? s.versions[Number(from.version) - 1] : s.versions.at(-1);
            if (v === undefined) return fail(res, 404, "NotFound", `Secret version ${from.version} not found`);
            const value = from.expandSecretReferences === "false" ? v : expand(p, s.env, s.path, v);
            return sendJson(res, 200, { secret: view(p, s, value, false) });
          }
          if (!from.workspaceId) return fail(res, 400, "BadRequest", "workspaceId is required");
          if (req.method === "POST") {
            if (existing) return fail(res, 400, "BadRequest", "Secret already exist");
            const s = { env: from.environment, path, key: name, versions: [String(from.secretValue)] };
            p.secrets.push(s);
            return sendJson(res, 200, { secret: view(p, s, s.versions[0]!, false) });
          }
          if (!existing) return fail(res, 404, "NotFound", `Secret with name '${name}' not found`);
          if (req.method === "PATCH") {
            existing.versions.push(String(from.secretValue));
            return sendJson(res, 200, { secret: view(p, existing, existing.versions.at(-1)!, false) });
          }
          if (req.method === "DELETE") {
            p.secrets.splice(p.secrets.indexOf(existing), 1);
            return sendJson(res, 200, { secret: view(p, existing, existing.versions.at(-1)!, false) });
          }
          return fail(res, 405, "MethodNotAllowed", "method not allowed");
        },
      },
    ],
    fallback: (_req, res) => fail(res, 404, "NotFound", "Route not found"),
  });
  return Object.assign(fake, { url: server.url, close: server.close });
}
