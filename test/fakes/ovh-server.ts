/**
 * Loopback fake of the OVHcloud KMS (OKMS) secret endpoints: the Secret API v2 (get with version/includeData,
 * create, update with cas, delete, list) and the KV2-compatible metadata listing, with OKMS error bodies
 * (`{error_code, error_id, errors, request_id}`; 17125377 for a missing secret). Authenticates a bearer token, or
 * (with `mtls`) serves HTTPS and refuses the handshake of a client without a certificate from the test CA.
 */
import { randomUUID } from "node:crypto";
import type { ServerResponse } from "node:http";
import { type FakeRequest, type Fault, sendJson, startFakeServer } from "../support/fake-server.js";
import type { TestPki } from "./vault-server.js";

export const OKMS_NOT_FOUND = 17125377;

export interface FakeOkmsSecret {
  versions: Record<string, unknown>[];
}

export interface OvhFake {
  url: string;
  okmsId: string;
  token: string;
  secrets: Map<string, FakeOkmsSecret>;
  faults: Fault[];
  /** "<METHOD> <decoded path>[?query]" */
  requests: string[];
  close(): Promise<void>;
}

function okmsError(res: ServerResponse, status: number, code: number, message: string) {
  sendJson(res, status, { error_code: code, error_id: randomUUID(), errors: [message], request_id: randomUUID() });
}

export async function startOvhFake(opts: { mtls?: TestPki } = {}): Promise<OvhFake> {
  const okmsId = randomUUID();
  const token = `okms-${randomUUID()}`;
  const secrets = new Map<string, FakeOkmsSecret>();
  const faults: Fault[] = [];
  const requests: string[] = [];

  const authorized = (req: FakeRequest, res: ServerResponse): boolean => {
    if (opts.mtls) return true; // the TLS handshake already checked the client certificate
    if (req.headers.authorization === `Bearer ${token}`) return true;
    okmsError(res, 401, 17104897, "Unauthorized");
    return false;
  };
  const domain = (m: RegExpExecArray, res: ServerResponse): boolean => {
    if (decodeURIComponent(m[1]!) === okmsId) return true;
    okmsError(res, 404, 17104898, "OKMS domain not found");
    return false;
  };
  const view = (path: string, s: FakeOkmsSecret, version: number, data: boolean) => ({
    path,
    metadata: { currentVersion: s.versions.length, maxVersions: 10, casRequired: false },
    version: { id: version, state: "ACTIVE", ...(data ? { data: s.versions[version - 1] } : {}) },
  });

  const server = await startFakeServer<string>({
    faults,
    requests,
    record: (r) => `${r.method} ${decodeURIComponent(r.url.pathname)}${r.url.search}`,
    faultBody: (status) => ({ error_code: 1, error_id: randomUUID(), errors: [`injected ${status}`], request_id: "" }),
    ...(opts.mtls
      ? {
          tls: {
            key: opts.mtls.serverKeyPem,
            cert: opts.mtls.serverCertPem,
            ca: opts.mtls.caPem,
            requestCert: true,
            rejectUnauthorized: true,
          } as { key: string; cert: string },
        }
      : {}),
    routes: [
      {
        method: "GET",
        path: /^\/api\/([^/]+)\/v2\/secret$/,
        handle: (req, res, m) => {
          if (!authorized(req, res) || !domain(m!, res)) return;
          sendJson(
            res,
            200,
            [...secrets.keys()].map((path) => ({ path })),
          );
        },
      },
      {
        method: "POST",
        path: /^\/api\/([^/]+)\/v2\/secret$/,
        handle: (req, res, m) => {
          if (!authorized(req, res) || !domain(m!, res)) return;
          const body = req.json();
          if (typeof body.path !== "string" || !body.version?.data) {
            return okmsError(res, 400, 17125378, "invalid request");
          }
          if (secrets.has(body.path)) return okmsError(res, 409, 17125379, "secret already exists");
          const s = { versions: [body.version.data] };
          secrets.set(body.path, s);
          sendJson(res, 200, { path: body.path, metadata: view(body.path, s, 1, false).metadata });
        },
      },
      {
        path: /^\/api\/([^/]+)\/v2\/secret\/(.+)$/,
        handle: (req, res, m) => {
          if (!authorized(req, res) || !domain(m!, res)) return;
          const path = decodeURIComponent(m![2]!);
          const s = secrets.get(path);
          if (!s) return okmsError(res, 404, OKMS_NOT_FOUND, "secret not found");
          if (req.method === "GET") {
            const v = req.url.searchParams.get("version");
            const version = v === null ? s.versions.length : Number(v);
            if (!(version >= 1 && version <= s.versions.length)) {
              return okmsError(res, 404, OKMS_NOT_FOUND, "secret version not found");
            }
            return sendJson(res, 200, view(path, s, version, req.url.searchParams.get("includeData") === "true"));
          }
          if (req.method === "PUT") {
            const cas = req.url.searchParams.get("cas");
            if (cas !== null && Number(cas) !== s.versions.length) {
              return okmsError(res, 400, 17125380, "check-and-set parameter did not match the current version");
            }
            const data = req.json().version?.data;
            if (!data) return okmsError(res, 400, 17125378, "invalid request");
            s.versions.push(data);
            return sendJson(res, 200, { path, metadata: view(path, s, s.versions.length, false).metadata });
          }
          if (req.method === "DELETE") {
            secrets.delete(path);
            res.writeHead(204).end();
            return;
          }
          okmsError(res, 405, 17125381, "method not allowed");
        },
      },
      {
        method: "GET",
        path: /^\/api\/([^/]+)\/v1\/secret\/metadata\/(.*)$/,
        handle: (req, res, m) => {
          if (!authorized(req, res) || !domain(m!, res)) return;
          if (req.url.searchParams.get("list") !== "true") return okmsError(res, 400, 17125378, "list expected");
          const dir = decodeURIComponent(m![2]!).replace(/\/$/, "");
          const prefix = dir ? `${dir}/` : "";
          const keys = new Set<string>();
          for (const name of secrets.keys()) {
            if (!name.startsWith(prefix)) continue;
            const rest = name.slice(prefix.length);
            const slash = rest.indexOf("/");
            keys.add(slash < 0 ? rest : rest.slice(0, slash + 1));
          }
          if (keys.size === 0) return okmsError(res, 404, OKMS_NOT_FOUND, "path not found");
          sendJson(res, 200, { data: { keys: [...keys].sort() } });
        },
      },
    ],
  });
  return { url: server.url, okmsId, token, secrets, faults, requests, close: server.close };
}
