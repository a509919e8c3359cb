/**
 * Loopback fake of the Password Depot server API under `/v1.0/`: `GET login` (`user`/`pass` headers ->
 * `{access_token, client_id}`, 401 for unknown users), `GET list` (databases), `GET list?db=&folder=` (entries)
 * and `GET read?db=&entry=`, each checking the `access_token` and `client_id` headers (401 otherwise, 404 for
 * unknown fingerprints). Set PASSWORDDEPOT_API_URL to `url`.
 */
import { randomBytes } from "node:crypto";
import type { ServerResponse } from "node:http";
import { type FakeRequest, type Fault, sendJson as send, startFakeServer } from "../support/fake-server.js";

export interface PdFakeEntry {
  fingerprint: string;
  name: string;
  /** Folders hold entries; leaves hold fields. */
  children?: PdFakeEntry[];
  fields?: Record<string, string>;
}

export interface PdFakeDatabase {
  name: string;
  fingerprint: string;
  entries: PdFakeEntry[];
}

export interface PasswordDepotFake {
  url: string;
  users: Map<string, string>;
  databases: PdFakeDatabase[];
  /** access_token -> client_id of live sessions; clear it to expire them. */
  sessions: Map<string, string>;
  logins: number;
  faults: Fault[];
  requests: string[];
  close(): Promise<void>;
}

export async function startPasswordDepotFake(): Promise<PasswordDepotFake> {
  const fake = {
    users: new Map<string, string>(),
    databases: [] as PdFakeDatabase[],
    sessions: new Map<string, string>(),
    logins: 0,
    faults: [] as Fault[],
    requests: [] as string[],
  };
  const walk = (entries: PdFakeEntry[], fp: string): PdFakeEntry | undefined => {
    for (const e of entries) {
      if (e.fingerprint === fp) return e;
      const inner = e.children && walk(e.children, fp);
      if (inner) return inner;
    }
    return undefined;
  };
  const handle = (req: FakeRequest, res: ServerResponse) => {
    const path = req.url.pathname;
    if (req.method !== "GET") return send(res, 405, { error: "method not allowed" });
    if (path === "/v1.0/login") {
      const user = req.headers.user;
      if (typeof user !== "string" || fake.users.get(user) !== req.headers.pass) {
        return send(res, 401, { error: "invalid credentials" });
      }
      fake.logins++;
      const token = randomBytes(16).toString("hex");
      const client = `client-${fake.logins}`;
      fake.sessions.set(token, client);
      return send(res, 200, { client_id: client, access_token: token });
    }
    const token = req.headers.access_token;
    if (typeof token !== "string" || fake.sessions.get(token) !== req.headers.client_id) {
      return send(res, 401, { error: "invalid session" });
    }
    const q = req.url.searchParams;
    if (path === "/v1.0/list" && !q.has("db")) {
      return send(res, 200, {
        databases: fake.databases.map((d) => ({ name: d.name, fingerprint: d.fingerprint, rights: "read" })),
        infoclasses: "",
      });
    }
    const db = fake.databases.find((d) => d.fingerprint === q.get("db"));
    if (!db) return send(res, 404, { error: "database not found" });
    if (path === "/v1.0/list") {
      const folder = q.get("folder");
      const parent = folder ? walk(db.entries, folder) : undefined;
      if (folder && !parent?.children) return send(res, 404, { error: "folder not found" });
      const entries = (parent?.children ?? db.entries).map((e) => ({
        name: e.name,
        fingerprint: e.fingerprint,
        itemclass: e.children ? "folder" : "password",
      }));
      return send(res, 200, { name: parent?.name ?? db.name, parent: "", entries });
    }
    if (path === "/v1.0/read") {
      const e = walk(db.entries, q.get("entry") ?? "");
      if (!e?.fields) return send(res, 404, { error: "entry not found" });
      return send(res, 200, { name: e.name, fingerprint: e.fingerprint, date: "2024-01-01T00:00:00Z", ...e.fields });
    }
    send(res, 404, { error: "not found" });
  };
  const server = await startFakeServer({
    faults: fake.faults,
    faultBody: (status) => ({ error: `injected ${status}` }),
    requests: fake.requests,
    fallback: handle,
  });
  return Object.assign(fake, { url: server.url, close: server.close });
}
