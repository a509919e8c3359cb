/**
 * Loopback fake of the Scaleway Secret Manager API (v1beta1): X-Auth-Token checked against the secret key,
 * per-region secrets with name/path/tags, immutable numbered versions (enabled/disabled) addressed by number,
 * "latest" or "latest_enabled", base64 payloads, page/page_size listing, and Scaleway's error bodies.
 */
import { randomUUID } from "node:crypto";
import type { ServerResponse } from "node:http";
import { type FakeRequest, type Fault, sendJson as send, startFakeServer } from "../support/fake-server.js";

export interface ScwFakeVersion {
  revision: number;
  data: Buffer;
  status: "enabled" | "disabled";
}

export interface ScwFakeSecret {
  id: string;
  projectId: string;
  region: string;
  name: string;
  path: string;
  tags: string[];
  versions: ScwFakeVersion[];
}

export interface ScalewayFake {
  url: string;
  secretKey: string;
  secrets: ScwFakeSecret[];
  faults: Fault[];
  requests: string[];
  addSecret(s: {
    projectId: string;
    region?: string;
    name: string;
    path?: string;
    tags?: string[];
    versions?: (string | Buffer | { data: string; disabled?: boolean })[];
  }): ScwFakeSecret;
  close(): Promise<void>;
}

const notFound = (res: ServerResponse, resource: string, id: string) =>
  send(res, 404, { type: "not_found", resource, resource_id: id, message: `resource is not found` });

function secretJson(s: ScwFakeSecret) {
  return {
    id: s.id,
    project_id: s.projectId,
    name: s.name,
    status: "ready",
    tags: s.tags,
    version_count: s.versions.length,
    path: s.path,
    region: s.region,
    type: "opaque",
  };
}

function versionJson(s: ScwFakeSecret, v: ScwFakeVersion) {
  return { revision: v.revision, secret_id: s.id, status: v.status, latest: v === s.versions[s.versions.length - 1] };
}

function pickVersion(s: ScwFakeSecret, revision: string): ScwFakeVersion | undefined {
  if (revision === "latest") return s.versions[s.versions.length - 1];
  if (revision === "latest_enabled") return s.versions.filter((v) => v.status === "enabled").at(-1);
  return s.versions.find((v) => String(v.revision) === revision);
}

export async function startScalewayFake(secretKey = randomUUID()): Promise<ScalewayFake> {
  const fake = { secretKey, secrets: [] as ScwFakeSecret[], faults: [] as Fault[], requests: [] as string[] };
  const handle = (req: FakeRequest, res: ServerResponse) => {
    if (req.headers["x-auth-token"] !== fake.secretKey) {
      return send(res, 401, {
        message: "authentication is denied",
        method: "api_key",
        reason: "invalid_argument",
        type: "denied_authentication",
      });
    }
    const m =
      /^\/secret-manager\/v1beta1\/regions\/([^/]+)\/secrets(?:\/([^/]+))?(?:\/versions(?:\/([^/]+))?(\/access)?)?$/.exec(
        req.url.pathname,
      );
    if (!m) return send(res, 404, { message: "not found" });
    const [, region, id, revision, access] = m;
    const q = req.url.searchParams;
    if (!id) {
      if (req.method === "GET") {
        const tags = q.getAll("tags");
        const all = fake.secrets.filter(
          (s) =>
            s.region === region &&
            (!q.get("project_id") || s.projectId === q.get("project_id")) &&
            (!q.has("name") || s.name === q.get("name")) &&
            (!q.has("path") || s.path === q.get("path")) &&
            tags.every((t) => s.tags.includes(t)),
        );
        const page = Number(q.get("page") ?? 1);
        const size = Number(q.get("page_size") ?? 20);
        if (size < 1 || size > 100)
          return send(res, 400, { message: "invalid argument(s)", type: "invalid_arguments" });
        return send(res, 200, {
          secrets: all.slice((page - 1) * size, page * size).map(secretJson),
          total_count: all.length,
        });
      }
      if (req.method === "POST") {
        const b = req.json();
        if (!b.name || !b.project_id)
          return send(res, 400, { message: "invalid argument(s)", type: "invalid_arguments" });
        if (fake.secrets.some((s) => s.region === region && s.name === b.name && s.path === (b.path ?? "/"))) {
          return send(res, 409, { message: "resource already exists", type: "already_exists" });
        }
        const s = addSecret({ projectId: b.project_id, region, name: b.name, path: b.path ?? "/" });
        return send(res, 200, secretJson(s));
      }
    }
    const s = fake.secrets.find((x) => x.id === id && x.region === region);
    if (!s) return notFound(res, "secret", id ?? "");
    if (revision === undefined && req.url.pathname.endsWith("/versions") && req.method === "POST") {
      const b = req.json();
      if (b.disable_previous) for (const v of s.versions) v.status = "disabled";
      const v: ScwFakeVersion = {
        revision: s.versions.length + 1,
        data: Buffer.from(b.data ?? "", "base64"),
        status: "enabled",
      };
      s.versions.push(v);
      return send(res, 200, versionJson(s, v));
    }
    if (revision === undefined && req.method === "DELETE") {
      fake.secrets.splice(fake.secrets.indexOf(s), 1);
      res.writeHead(204).end();
      return;
    }
    if (revision !== undefined && req.method === "GET") {
      const v = pickVersion(s, revision);
      if (!v) return notFound(res, "secret_version", revision);
      if (!access) return send(res, 200, versionJson(s, v));
      if (v.status !== "enabled")
        return send(res, 412, { message: "precondition is not respected", type: "precondition_failed" });
      return send(res, 200, { secret_id: s.id, revision: v.revision, data: v.data.toString("base64"), type: "opaque" });
    }
    send(res, 405, { message: "method not allowed" });
  };
  const server = await startFakeServer({
    faults: fake.faults,
    faultBody: (status) => ({
      message: `injected ${status}`,
      type: status === 429 ? "too_many_requests" : "unknown_error",
    }),
    requests: fake.requests,
    record: (req) => `${req.method} ${req.url.pathname}${req.url.search}`,
    fallback: handle,
  });
  const addSecret: ScalewayFake["addSecret"] = (s) => {
    const secret: ScwFakeSecret = {
      id: randomUUID(),
      projectId: s.projectId,
      region: s.region ?? "fr-par",
      name: s.name,
      path: s.path ?? "/",
      tags: s.tags ?? [],
      versions: (s.versions ?? []).map((v, i) => {
        const obj = typeof v === "string" || Buffer.isBuffer(v) ? { data: v } : v;
        return {
          revision: i + 1,
          data: Buffer.isBuffer(obj.data) ? obj.data : Buffer.from(obj.data),
          status: "disabled" in obj && obj.disabled ? "disabled" : "enabled",
        };
      }),
    };
    fake.secrets.push(secret);
    return secret;
  };
  return Object.assign(fake, { url: server.url, close: server.close, addSecret });
}
