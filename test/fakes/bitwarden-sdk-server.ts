/**
 * Loopback fake of the Bitwarden SDK server (external-secrets/bitwarden-sdk-server) over HTTPS with a self-signed
 * certificate: `/rest/api/1/secret` (GET, POST, PUT, DELETE) and `/rest/api/1/secrets` (GET), JSON bodies on
 * every method, the access token in `Warden-Access-Token`. Failures answer as the server does: a plain-text
 * error, 500 when the token cannot log in, 400 wrapping the SDK's error for a failed call.
 */
import { randomUUID } from "node:crypto";
import type { ServerResponse } from "node:http";
import { type FakeRequest, type Fault, sendJson, startFakeServer } from "../support/fake-server.js";
import { selfSignedCert } from "./azurekv-server.js";

export interface FakeBitwardenSecret {
  id: string;
  key: string;
  value: string;
  note: string;
  organizationId: string;
  projectId: string | null;
}

export interface BitwardenFake {
  url: string;
  /** PEM of the server's self-signed certificate. */
  caPem: string;
  token: string;
  secrets: FakeBitwardenSecret[];
  /** `"<METHOD> <path> <json body>"` per request, and the Warden headers each carried. */
  requests: string[];
  headers: { apiUrl?: string; identityUrl?: string }[];
  faults: Fault[];
  add(s: Omit<FakeBitwardenSecret, "id" | "note" | "projectId"> & Partial<FakeBitwardenSecret>): FakeBitwardenSecret;
  close(): Promise<void>;
}

function text(res: ServerResponse, status: number, body: string) {
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8" });
  res.end(`${body}\n`);
}

const view = (s: FakeBitwardenSecret) => ({
  creationDate: "2024-04-04T00:00:00Z",
  revisionDate: "2024-04-04T00:00:00Z",
  id: s.id,
  key: s.key,
  value: s.value,
  note: s.note,
  organizationId: s.organizationId,
  projectId: s.projectId,
});

export async function startBitwardenFake(): Promise<BitwardenFake> {
  const cert = selfSignedCert("127.0.0.1");
  const fake = {
    token: `0.${randomUUID()}.secret-part:${randomUUID()}`,
    caPem: cert.certPem,
    secrets: [] as FakeBitwardenSecret[],
    requests: [] as string[],
    headers: [] as { apiUrl?: string; identityUrl?: string }[],
    faults: [] as Fault[],
  };

  const authed = (req: FakeRequest, res: ServerResponse): boolean => {
    fake.headers.push({
      apiUrl: req.headers["warden-api-url"] as string | undefined,
      identityUrl: req.headers["warden-identity-url"] as string | undefined,
    });
    const t = req.headers["warden-access-token"];
    if (!t) {
      text(res, 400, "missing access token");
      return false;
    }
    if (t !== fake.token) {
      text(res, 500, "failed to login: access token is invalid or expired");
      return false;
    }
    return true;
  };
  const byId = (id: string) => fake.secrets.find((s) => s.id === id);

  const server = await startFakeServer({
    tls: { key: cert.keyPem, cert: cert.certPem },
    faults: fake.faults,
    requests: fake.requests,
    faultBody: (status) => (status === 429 ? "429 Too Many Requests" : `injected ${status}`),
    record: (r) => `${r.method} ${r.url.pathname} ${r.text()}`,
    routes: [
      {
        path: "/rest/api/1/secrets",
        method: "GET",
        handle: (req, res) => {
          if (!authed(req, res)) return;
          const body = req.json();
          const org = body.organizationID ?? body.organizationId;
          const data = fake.secrets
            .filter((s) => s.organizationId === org)
            .map((s) => ({ id: s.id, key: s.key, organizationId: s.organizationId }));
          sendJson(res, 200, { data });
        },
      },
      {
        path: "/rest/api/1/secret",
        handle: (req, res) => {
          if (!authed(req, res)) return;
          const body = req.json();
          if (req.method === "GET") {
            const s = byId(body.id);
            if (!s) return text(res, 400, "failed to get secret: 404 Not Found: Resource not found.");
            return sendJson(res, 200, view(s));
          }
          if (req.method === "POST") {
            const s: FakeBitwardenSecret = {
              id: randomUUID(),
              key: body.key,
              value: body.value,
              note: body.note ?? "",
              organizationId: body.organizationId,
              projectId: body.projectIds?.[0] ?? null,
            };
            fake.secrets.push(s);
            return sendJson(res, 200, view(s));
          }
          if (req.method === "PUT") {
            const s = byId(body.id);
            if (!s) return text(res, 400, "failed to update secret: 404 Not Found: Resource not found.");
            Object.assign(s, { key: body.key, value: body.value, note: body.note ?? "" });
            s.projectId = body.projectIds?.[0] ?? s.projectId;
            return sendJson(res, 200, view(s));
          }
          if (req.method === "DELETE") {
            const data = (body.ids as string[]).map((id) => {
              const i = fake.secrets.findIndex((s) => s.id === id);
              if (i < 0) return { id, error: "Secret not found" };
              fake.secrets.splice(i, 1);
              return { id, error: null };
            });
            return sendJson(res, 200, { data });
          }
          text(res, 405, "method not allowed");
        },
      },
    ],
    fallback: (_req, res) => text(res, 404, "404 page not found"),
  });

  return Object.assign(fake, {
    url: server.url,
    add(s: Omit<FakeBitwardenSecret, "id" | "note" | "projectId"> & Partial<FakeBitwardenSecret>) {
      const full: FakeBitwardenSecret = { id: randomUUID(), note: "", projectId: null, ...s };
      fake.secrets.push(full);
      return full;
    },
    close: () => server.close(),
  });
}
