/**
 * Loopback fake of the Pulumi ESC REST API (the calls the provider makes) and the Pulumi Cloud OAuth token
 * exchange: `Authorization: token <t>`, `{code, message}` error bodies, environments held as definitions whose
 * `fn::secret` values read back as ciphertext, opened into `{value, trace}` trees read by Pulumi path.
 */
import type { ServerResponse } from "node:http";
import { parse as parseYaml, stringify as toYaml } from "yaml";
import { type FakeRequest, startFakeServer } from "../support/fake-server.js";

export interface PulumiFake {
  /** Server root: the store's apiUrl is `${url}/api/esc`. */
  url: string;
  apiUrl: string;
  /** "org/project/env" -> the environment's definition (values may hold `{"fn::secret": "plain"}`). */
  environments: Map<string, Record<string, unknown>>;
  /** Access tokens accepted, each for one organization. */
  tokens: Map<string, string>;
  /** OIDC token exchange: the token to issue for (organization, subject JWT), or undefined to refuse. */
  oidc?: (organization: string, subjectToken: string, body: Record<string, unknown>) => string | undefined;
  faults: import("../support/fake-server.js").Fault[];
  requests: { method: string; path: string; query: string; body: string }[];
  close(): Promise<void>;
}

const CIPHER_PREFIX = "fake-esc:";

function fail(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify({ code: status, message }));
}

function sendJson(res: ServerResponse, body: unknown): void {
  res.writeHead(200, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

function isSecret(x: unknown): x is { "fn::secret": unknown } {
  return !!x && typeof x === "object" && !Array.isArray(x) && "fn::secret" in x;
}

/** The definition as the API returns it: secrets as ciphertext. */
function sealed(x: unknown): unknown {
  if (isSecret(x)) {
    const inner = x["fn::secret"];
    const plain = typeof inner === "string" ? inner : String((inner as { ciphertext?: string })?.ciphertext ?? "");
    return { "fn::secret": { ciphertext: Buffer.from(CIPHER_PREFIX + plain).toString("base64") } };
  }
  if (Array.isArray(x)) return x.map(sealed);
  if (x && typeof x === "object") return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, sealed(v)]));
  return x;
}

/** A written definition: ciphertext we issued turns back into the plain secret. */
function unsealed(x: unknown): unknown {
  if (isSecret(x)) {
    const inner = x["fn::secret"] as { ciphertext?: string } | string;
    if (typeof inner === "object" && inner?.ciphertext) {
      const text = Buffer.from(inner.ciphertext, "base64").toString("utf8");
      return { "fn::secret": text.startsWith(CIPHER_PREFIX) ? text.slice(CIPHER_PREFIX.length) : "" };
    }
    return x;
  }
  if (Array.isArray(x)) return x.map(unsealed);
  if (x && typeof x === "object") return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, unsealed(v)]));
  return x;
}

/** An opened environment: every node a `{value, trace}` value, secrets marked. */
function evaluate(x: unknown, env: string): Record<string, unknown> {
  const trace = {
    def: { environment: env, begin: { line: 1, column: 1, byte: 0 }, end: { line: 1, column: 1, byte: 0 } },
  };
  if (isSecret(x)) return { value: x["fn::secret"], secret: true, trace };
  if (Array.isArray(x)) return { value: x.map((v) => evaluate(v, env)), trace };
  if (x && typeof x === "object") {
    return { value: Object.fromEntries(Object.entries(x).map(([k, v]) => [k, evaluate(v, env)])), trace };
  }
  return { value: x, trace };
}

/** Pulumi property paths: `a.b`, `a["b c"]`, `a[0]`. */
function parsePath(path: string): (string | number)[] | undefined {
  const out: (string | number)[] = [];
  const re = /(?:^|\.)([^.[\]"]+)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]/gy;
  let m: RegExpExecArray | null;
  let pos = 0;
  while (pos < path.length) {
    re.lastIndex = pos;
    m = re.exec(path);
    if (!m) return undefined;
    if (m[1] !== undefined) out.push(m[1]);
    else if (m[2] !== undefined) out.push(Number(m[2]));
    else out.push(JSON.parse(`"${m[3]}"`));
    pos = re.lastIndex;
  }
  return out;
}

export async function startPulumiFake(): Promise<PulumiFake> {
  const environments = new Map<string, Record<string, unknown>>();
  const tokens = new Map<string, string>();
  const sessions = new Map<string, { key: string; tree: Record<string, unknown> }>();
  const requests: PulumiFake["requests"] = [];
  const faults: PulumiFake["faults"] = [];
  let nextSession = 1;
  const fake = { environments, tokens, requests, faults } as PulumiFake;

  const authorize = (req: FakeRequest, res: ServerResponse, org: string): boolean => {
    const auth = String(req.headers.authorization ?? "");
    const token = auth.startsWith("token ") ? auth.slice(6) : "";
    const tokenOrg = tokens.get(token);
    if (!tokenOrg) {
      fail(res, 401, "Unauthorized: No credentials provided or are invalid.");
      return false;
    }
    if (tokenOrg !== org) {
      fail(res, 403, "Forbidden");
      return false;
    }
    return true;
  };

  const server = await startFakeServer({
    faults,
    faultBody: (status) => ({ code: status, message: `injected ${status}` }),
    requests,
    record: (req) => ({ method: req.method, path: req.url.pathname, query: req.url.search, body: req.text() }),
    routes: [
      {
        method: "POST",
        path: "/api/oauth/token",
        handle: (req, res) => {
          const body = req.json() as Record<string, unknown>;
          const audience = String(body.audience ?? "");
          if (
            body.grant_type !== "urn:ietf:params:oauth:grant-type:token-exchange" ||
            body.subject_token_type !== "urn:ietf:params:oauth:token-type:id_token" ||
            !audience.startsWith("urn:pulumi:org:")
          ) {
            return fail(res, 400, "invalid token exchange request");
          }
          const org = audience.slice("urn:pulumi:org:".length);
          const issued = fake.oidc?.(org, String(body.subject_token ?? ""), body);
          if (!issued) return fail(res, 401, "invalid subject token");
          tokens.set(issued, org);
          sendJson(res, {
            access_token: issued,
            issued_token_type: "urn:pulumi:token-type:access_token:organization",
            token_type: "token",
            expires_in: Number(body.expiration ?? 7200),
          });
        },
      },
      {
        path: /^\/api\/esc\/environments\/([^/]+)\/([^/]+)\/([^/]+)(\/open(?:\/([^/]+))?)?$/,
        handle: (req, res, m) => {
          const [org, project, env] = [m![1]!, m![2]!, m![3]!].map(decodeURIComponent) as [string, string, string];
          if (!authorize(req, res, org)) return;
          const key = `${org}/${project}/${env}`;
          const def = environments.get(key);
          if (!def) return fail(res, 404, `Environment '${key}' not found`);
          if (m![4] && !m![5] && req.method === "POST") {
            const id = String(nextSession++);
            sessions.set(id, { key, tree: evaluate(def.values ?? {}, env) });
            return sendJson(res, { id, diagnostics: [] });
          }
          if (m![5] && req.method === "GET") {
            const session = sessions.get(decodeURIComponent(m![5]));
            if (!session || session.key !== key) return fail(res, 404, "open session not found");
            const path = parsePath(req.url.searchParams.get("property") ?? "");
            if (!path) return fail(res, 400, "invalid property path");
            let node: Record<string, unknown> | undefined = session.tree;
            for (const part of path) {
              const inner: unknown = node?.value;
              node = (inner as Record<string | number, Record<string, unknown>> | undefined)?.[part];
              if (!node || typeof inner !== "object") return fail(res, 404, `property not found`);
            }
            return sendJson(res, node);
          }
          if (!m![4] && req.method === "GET") {
            res.writeHead(200, { "content-type": "application/x-yaml" });
            return res.end(toYaml(sealed(def)));
          }
          if (!m![4] && req.method === "PATCH") {
            let parsed: unknown;
            try {
              parsed = parseYaml(req.text());
            } catch {
              return fail(res, 400, "invalid YAML");
            }
            environments.set(key, (unsealed(parsed ?? {}) ?? {}) as Record<string, unknown>);
            return sendJson(res, { diagnostics: [] });
          }
          return fail(res, 405, "method not allowed");
        },
      },
    ],
    fallback: (_req, res) => fail(res, 404, "Not Found"),
  });
  fake.url = server.url;
  fake.apiUrl = `${server.url}/api/esc`;
  fake.close = server.close;
  return fake;
}
