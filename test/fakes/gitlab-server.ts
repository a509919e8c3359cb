/**
 * Loopback fake of the GitLab REST API v4 CI/CD variable endpoints: PRIVATE-TOKEN auth, `filter[environment_scope]`,
 * page/per_page pagination with X-Next-Page, `{message}` error bodies, and the project's ancestor groups.
 */
import type { ServerResponse } from "node:http";
import { sendJson as send, startFakeServer } from "../support/fake-server.js";

export interface FakeVariable {
  key: string;
  value: string;
  environment_scope?: string;
}

export interface GitlabFake {
  url: string;
  token: string;
  projects: Map<string, { variables: FakeVariable[]; groups: string[] }>;
  groups: Map<string, FakeVariable[]>;
  faults: number[];
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

export async function startGitlabFake(token = "glpat-test"): Promise<GitlabFake> {
  const fake = {
    token,
    projects: new Map(),
    groups: new Map(),
    faults: [] as number[],
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
        if (sub === "variables" && key) return one(res, g, key, scope);
        if (sub === "variables") return page(res, u, g);
      }
      send(res, 404, { error: "404 Not Found" });
    },
  });
  return Object.assign(fake, { url: server.url, close: server.close });
}
