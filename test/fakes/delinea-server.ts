/**
 * Loopback fake of the Delinea DevOps Secrets Vault API: `POST /<tenant>.<tld>/v1/token` (client credentials,
 * JSON, 400 for unknown clients), `GET /<tenant>.<tld>/v1/secrets/<path>` with the bearer token (401 for unknown
 * or revoked tokens, 404 for absent paths). Point a store's urlTemplate at `urlTemplate`.
 */
import { randomBytes } from "node:crypto";
import type { ServerResponse } from "node:http";
import { type FakeRequest, type Fault, sendJson as send, startFakeServer } from "../support/fake-server.js";

export interface DelineaFake {
  url: string;
  /** A urlTemplate that reaches this fake: tenant and tld become the first path segment. */
  urlTemplate: string;
  tenant: string;
  clients: Map<string, string>;
  secrets: Map<string, { data: unknown; attributes?: Record<string, unknown> }>;
  /** Tokens issued, in order; revoke one by deleting it from `live`. */
  issued: string[];
  live: Set<string>;
  expiresIn: number;
  faults: Fault[];
  requests: string[];
  close(): Promise<void>;
}

export async function startDelineaFake(tenant = "acme", tld = "com"): Promise<DelineaFake> {
  const fake = {
    tenant,
    clients: new Map<string, string>(),
    secrets: new Map(),
    issued: [] as string[],
    live: new Set<string>(),
    expiresIn: 3600,
    faults: [] as Fault[],
    requests: [] as string[],
  } as Omit<DelineaFake, "url" | "urlTemplate" | "close">;
  const prefix = `/${tenant}.${tld}/v1`;
  const handle = (req: FakeRequest, res: ServerResponse) => {
    const path = req.url.pathname;
    if (!path.startsWith(`${prefix}/`)) return send(res, 404, { code: 404, message: "unknown tenant" });
    const rest = path.slice(prefix.length);
    if (rest === "/token" && req.method === "POST") {
      let b: { grant_type?: string; client_id?: string; client_secret?: string };
      try {
        b = req.json();
      } catch {
        return send(res, 400, { code: 400, message: "invalid request body" });
      }
      if (b.grant_type !== "client_credentials")
        return send(res, 400, { code: 400, message: "unsupported grant type" });
      if (!b.client_id || fake.clients.get(b.client_id) !== b.client_secret) {
        return send(res, 400, { code: 400, message: "invalid client credentials" });
      }
      const token = `dsv-${randomBytes(12).toString("hex")}`;
      fake.issued.push(token);
      fake.live.add(token);
      return send(res, 200, { accessToken: token, tokenType: "bearer", expiresIn: fake.expiresIn });
    }
    const auth = req.headers.authorization ?? "";
    if (!auth.startsWith("Bearer ") || !fake.live.has(auth.slice(7))) {
      return send(res, 401, { code: 401, message: "unable to authenticate" });
    }
    if (rest.startsWith("/secrets/") && req.method === "GET") {
      const key = decodeURIComponent(rest.slice("/secrets/".length));
      const s = fake.secrets.get(key);
      if (!s) return send(res, 404, { code: 404, message: "unable to find item with specified identifier" });
      return send(res, 200, {
        id: `id-${key}`,
        path: key,
        attributes: s.attributes ?? {},
        description: "",
        data: s.data,
        created: "2024-01-01T00:00:00Z",
        lastModified: "2024-01-01T00:00:00Z",
        createdBy: "users:admin",
        lastModifiedBy: "users:admin",
        version: "0",
      });
    }
    send(res, 404, { code: 404, message: "not found" });
  };
  const server = await startFakeServer({
    faults: fake.faults,
    faultBody: (status) => ({ code: status, message: `injected ${status}` }),
    requests: fake.requests,
    fallback: handle,
  });
  return Object.assign(fake, {
    url: server.url,
    urlTemplate: `${server.url}/%s.%s/v1/%s%s`,
    close: server.close,
  });
}
