/**
 * Loopback fake of Cloud.ru's HTTP/JSON gateways: IAM `POST /api/v1/auth/token` ({keyId, secret} -> access
 * token; 401 for unknown keys) and Secret Manager `GET /v2/secret/<path>/access`, `GET /v1/secrets/<id>/versions/
 * <version>/payload` and `GET /v2/secret/<path>/search`, with the bearer token (401 unknown, 403 another project,
 * 404 absent; error bodies as grpc-gateway's `{code, message}`). One server serves both; set CLOUDRU_IAM_URL and
 * CLOUDRU_CSM_URL to `url`.
 */
import { randomBytes, randomUUID } from "node:crypto";
import type { ServerResponse } from "node:http";
import { type FakeRequest, type Fault, sendJson as send, startFakeServer } from "../support/fake-server.js";

export interface CsmFakeSecret {
  id: string;
  projectId: string;
  /** Folder path and name, e.g. "app/db". */
  path: string;
  labels: Record<string, string>;
  /** Version n is versions[n-1]. */
  versions: string[];
}

export interface CloudruFake {
  url: string;
  /** Access key id -> secret. */
  keys: Map<string, string>;
  /** Token -> project ids it may read (every project when empty). */
  live: Map<string, string[]>;
  issued: string[];
  secrets: CsmFakeSecret[];
  expiresIn: number;
  faults: Fault[];
  requests: string[];
  addSecret(projectId: string, path: string, versions: string[], labels?: Record<string, string>): CsmFakeSecret;
  close(): Promise<void>;
}

const GRPC = { unauthenticated: 16, permissionDenied: 7, notFound: 5, invalid: 3 };
const fail = (res: ServerResponse, status: number, code: number, message: string) =>
  send(res, status, { code, message, details: [] });

export async function startCloudruFake(): Promise<CloudruFake> {
  const fake = {
    keys: new Map<string, string>(),
    live: new Map<string, string[]>(),
    issued: [] as string[],
    secrets: [] as CsmFakeSecret[],
    expiresIn: 3600,
    faults: [] as Fault[],
    requests: [] as string[],
    addSecret(projectId: string, path: string, versions: string[], labels: Record<string, string> = {}) {
      const s = { id: randomUUID(), projectId, path, labels, versions };
      fake.secrets.push(s);
      return s;
    },
  };
  const payload = (s: CsmFakeSecret, version: number | undefined) => {
    const v = version === undefined ? s.versions.length : version;
    return v >= 1 && v <= s.versions.length ? { v, data: s.versions[v - 1]! } : undefined;
  };
  const handle = (req: FakeRequest, res: ServerResponse) => {
    const path = req.url.pathname;
    if (req.method === "POST" && path === "/api/v1/auth/token") {
      const b = req.json() as { keyId?: string; secret?: string };
      if (!b.keyId || fake.keys.get(b.keyId) !== b.secret) {
        return fail(res, 401, GRPC.unauthenticated, "invalid access key");
      }
      const token = `crt-${randomBytes(12).toString("hex")}`;
      fake.issued.push(token);
      fake.live.set(token, []);
      return send(res, 200, { access_token: token, expires_in: fake.expiresIn, token_type: "Bearer" });
    }
    const auth = req.headers.authorization ?? "";
    const projects = auth.startsWith("Bearer ") ? fake.live.get(auth.slice(7)) : undefined;
    if (!projects) return fail(res, 401, GRPC.unauthenticated, "unauthenticated");
    const allowed = (projectId: string) => projects.length === 0 || projects.includes(projectId);
    const q = req.url.searchParams;
    let m = /^\/v2\/secret\/(.+)\/access$/.exec(path);
    if (req.method === "GET" && m) {
      const projectId = q.get("projectId") ?? "";
      if (!allowed(projectId)) return fail(res, 403, GRPC.permissionDenied, "permission denied");
      const wanted = decodeURIComponent(m[1]!);
      const s = fake.secrets.find((x) => x.projectId === projectId && x.path === wanted);
      const version = q.has("version") ? Number(q.get("version")) : undefined;
      const p = s && payload(s, version);
      if (!s || !p) return fail(res, 404, GRPC.notFound, "secret not found");
      return send(res, 200, {
        secret: { id: s.id, name: s.path.split("/").at(-1), path: s.path, projectId: s.projectId, labels: s.labels },
        version: { id: p.v, state: "ENABLED" },
        payload: Buffer.from(p.data).toString("base64"),
      });
    }
    m = /^\/v1\/secrets\/([^/]+)\/versions\/([^/]+)\/payload$/.exec(path);
    if (req.method === "GET" && m) {
      const s = fake.secrets.find((x) => x.id === decodeURIComponent(m![1]!));
      if (s && !allowed(s.projectId)) return fail(res, 403, GRPC.permissionDenied, "permission denied");
      const ver = decodeURIComponent(m[2]!);
      const p = s && payload(s, ver === "latest" ? undefined : Number(ver));
      if (!s || !p) return fail(res, 404, GRPC.notFound, "secret version not found");
      return send(res, 200, { data: Buffer.from(p.data).toString("base64") });
    }
    m = /^\/v2\/secret\/(.*)\/search$/.exec(path);
    if (req.method === "GET" && m) {
      const projectId = q.get("projectId") ?? "";
      if (!allowed(projectId)) return fail(res, 403, GRPC.permissionDenied, "permission denied");
      const folder = decodeURIComponent(m[1]!);
      let re: RegExp | undefined;
      try {
        re = q.has("regex") ? new RegExp(q.get("regex")!) : undefined;
      } catch {
        return fail(res, 400, GRPC.invalid, "invalid regex");
      }
      const labels: [string, string][] = [];
      for (const [k, v] of q) {
        const lm = /^labels\[(.+)\]$/.exec(k);
        if (lm) labels.push([lm[1]!, v]);
      }
      const found = fake.secrets.filter(
        (s) =>
          s.projectId === projectId &&
          (!folder || s.path.startsWith(`${folder}/`)) &&
          (!re || re.test(s.path.split("/").at(-1)!)) &&
          labels.every(([k, v]) => s.labels[k] === v),
      );
      return send(res, 200, {
        secrets: found.map((s) => ({ id: s.id, name: s.path.split("/").at(-1), path: s.path, labels: s.labels })),
      });
    }
    fail(res, 404, GRPC.notFound, "Not Found");
  };
  const server = await startFakeServer({
    faults: fake.faults,
    faultBody: (status) => ({ code: 14, message: `injected ${status}`, details: [] }),
    requests: fake.requests,
    record: (r) => `${r.method} ${r.rawUrl}`,
    fallback: handle,
  });
  return Object.assign(fake, { url: server.url, close: server.close });
}
