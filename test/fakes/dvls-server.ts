/**
 * Loopback fake of the Devolutions Server REST calls the dvls provider makes: application login (form AppKey and
 * AppSecret, answering `{TokenId}`), and vault entries by id (GET, PUT, DELETE) authenticated by the `tokenId`
 * header. Tokens can be revoked to exercise re-login; unknown entries answer 404 as the server does.
 */
import { randomUUID } from "node:crypto";
import { type Fault, sendJson, startFakeServer } from "../support/fake-server.js";

export interface FakeDvlsEntry {
  id: string;
  name: string;
  type: string;
  subType: string;
  path?: string;
  description?: string;
  tags?: string[];
  data: Record<string, unknown>;
}

export interface DvlsFake {
  url: string;
  appId: string;
  appSecret: string;
  /** vaultId -> entryId -> entry */
  vaults: Map<string, Map<string, FakeDvlsEntry>>;
  /** Tokens issued and still valid. */
  tokens: Set<string>;
  logins: number;
  /** Answer logins with 200 and no TokenId (as a server refusing an application may). */
  refuseWithoutStatus: boolean;
  faults: Fault[];
  requests: string[];
  close(): Promise<void>;
}

export async function startDvlsFake(): Promise<DvlsFake> {
  const fake = {
    appId: `app-${randomUUID()}`,
    appSecret: `secret-${randomUUID()}`,
    vaults: new Map<string, Map<string, FakeDvlsEntry>>(),
    tokens: new Set<string>(),
    logins: 0,
    refuseWithoutStatus: false,
  };
  const server = await startFakeServer<string>({
    record: (r) => `${r.method} ${r.url.pathname}`,
    routes: [
      {
        method: "POST",
        path: "/api/v1/login",
        handle: (req, res) => {
          fake.logins++;
          const form = new URLSearchParams(req.text());
          const ok =
            req.headers["content-type"] === "application/x-www-form-urlencoded" &&
            form.get("AppKey") === fake.appId &&
            form.get("AppSecret") === fake.appSecret;
          if (!ok && fake.refuseWithoutStatus) return sendJson(res, 200, { result: 2, message: "Invalid credentials" });
          if (!ok) return sendJson(res, 401, { result: 2, message: "Invalid application key or secret" });
          const token = randomUUID();
          fake.tokens.add(token);
          sendJson(res, 200, { TokenId: token, result: 1 });
        },
      },
      {
        path: /^\/api\/v1\/vault\/([^/]+)\/entry\/([^/]+)$/,
        handle: (req, res, m) => {
          const token = req.headers.tokenid;
          if (typeof token !== "string" || !fake.tokens.has(token))
            return sendJson(res, 401, { message: "Unauthorized" });
          const vault = fake.vaults.get(decodeURIComponent(m![1]!));
          const id = decodeURIComponent(m![2]!);
          const entry = vault?.get(id);
          if (!vault || !entry) return sendJson(res, 404, { message: "Entry not found" });
          if (req.method === "GET") return sendJson(res, 200, { ...entry, createdBy: "admin" });
          if (req.method === "PUT") {
            const body = req.json();
            if (typeof body.name !== "string" || typeof body.data !== "object") {
              return sendJson(res, 400, { message: "invalid entry" });
            }
            vault.set(id, { ...entry, name: body.name, data: body.data, tags: body.tags, path: body.path });
            return sendJson(res, 200, { id });
          }
          if (req.method === "DELETE") {
            vault.delete(id);
            return sendJson(res, 200, {});
          }
          sendJson(res, 405, { message: "method not allowed" });
        },
      },
    ],
  });
  return Object.assign(fake, {
    url: server.url,
    faults: server.faults,
    requests: server.requests,
    close: server.close,
  });
}
