/**
 * Loopback fake of a Chef Infra Server organization: verifies each request's version 1.3 signature
 * (X-Ops-Sign, X-Ops-Userid, X-Ops-Timestamp within 15 minutes, X-Ops-Content-Hash, X-Ops-Authorization-N) against
 * the user's public key, and serves data bags (GET /organizations/<org>/data/<bag>[/<item>]) and users, with
 * Chef's `{"error": [...]}` bodies and status codes.
 */
import { createHash, createVerify, generateKeyPairSync, type KeyObject } from "node:crypto";
import type { ServerResponse } from "node:http";
import { type FakeRequest, type Fault, sendJson, startFakeServer } from "../support/fake-server.js";

export interface ChefFake {
  /** The organization URL, ending in "/", as spec.provider.chef.serverUrl takes it. */
  url: string;
  org: string;
  /** user -> public key */
  users: Map<string, KeyObject>;
  /** bag -> item -> item JSON */
  bags: Map<string, Map<string, Record<string, unknown>>>;
  /** Adds a user with a fresh key pair; returns the private key PEM. */
  addUser(name: string): string;
  /** The signature versions the requests carried. */
  signVersions: string[];
  faults: Fault[];
  requests: string[];
  close(): Promise<void>;
}

const fail = (res: ServerResponse, status: number, msg: string) => sendJson(res, status, { error: [msg] });

function verify(req: FakeRequest, users: Map<string, KeyObject>): string | undefined {
  const h = (n: string) => String(req.headers[n] ?? "");
  const user = h("x-ops-userid");
  const key = users.get(user);
  if (!key) return `Failed to authenticate as '${user}'. Ensure that your node_name and client key are correct.`;
  if (!/version=1\.3/.test(h("x-ops-sign"))) return "Unsupported signing protocol version";
  const ts = Date.parse(h("x-ops-timestamp"));
  if (!Number.isFinite(ts) || Math.abs(Date.now() - ts) > 15 * 60_000) return "Failed to authenticate: clock skew";
  const bodyHash = createHash("sha256").update(req.body).digest("base64");
  if (h("x-ops-content-hash") !== bodyHash) return "Failed to authenticate: content hash mismatch";
  const parts: string[] = [];
  for (let i = 1; req.headers[`x-ops-authorization-${i}`]; i++) parts.push(h(`x-ops-authorization-${i}`));
  const path = req.url.pathname.replace(/\/+/g, "/").replace(/(.)\/$/, "$1");
  const canonical = [
    `Method:${req.method}`,
    `Path:${path}`,
    `X-Ops-Content-Hash:${bodyHash}`,
    "X-Ops-Sign:version=1.3",
    `X-Ops-Timestamp:${h("x-ops-timestamp")}`,
    `X-Ops-UserId:${user}`,
    `X-Ops-Server-API-Version:${h("x-ops-server-api-version")}`,
  ].join("\n");
  const ok = createVerify("RSA-SHA256").update(canonical).verify(key, parts.join(""), "base64");
  return ok ? undefined : `Invalid signature for user or client '${user}'`;
}

export async function startChefFake(org = "acme"): Promise<ChefFake> {
  const users = new Map<string, KeyObject>();
  const bags = new Map<string, Map<string, Record<string, unknown>>>();
  const signVersions: string[] = [];
  const prefix = `/organizations/${org}`;
  const authed = (req: FakeRequest, res: ServerResponse) => {
    signVersions.push(String(req.headers["x-ops-sign"] ?? ""));
    const problem = verify(req, users);
    if (problem) fail(res, 401, problem);
    return !problem;
  };
  const server = await startFakeServer({
    faultBody: (status) => ({ error: [`injected ${status}`] }),
    routes: [
      {
        method: "GET",
        path: new RegExp(`^${prefix}/users/([^/]+)$`),
        handle: (req, res, m) => {
          if (!authed(req, res)) return;
          const name = decodeURIComponent(m![1]!);
          if (!users.has(name)) return fail(res, 404, `Cannot load user ${name}`);
          sendJson(res, 200, { username: name, display_name: name });
        },
      },
      {
        method: "GET",
        path: new RegExp(`^${prefix}/data/([^/]+)$`),
        handle: (req, res, m) => {
          if (!authed(req, res)) return;
          const bag = decodeURIComponent(m![1]!);
          const items = bags.get(bag);
          if (!items) return fail(res, 404, `Cannot load data bag ${bag}`);
          const base = `http://${req.headers.host}${prefix}/data/${bag}`;
          sendJson(res, 200, Object.fromEntries([...items.keys()].map((k) => [k, `${base}/${k}`])));
        },
      },
      {
        method: "GET",
        path: new RegExp(`^${prefix}/data/([^/]+)/([^/]+)$`),
        handle: (req, res, m) => {
          if (!authed(req, res)) return;
          const bag = decodeURIComponent(m![1]!);
          const item = decodeURIComponent(m![2]!);
          const found = bags.get(bag)?.get(item);
          if (!found) return fail(res, 404, `Cannot load data bag item ${item} for data bag ${bag}`);
          sendJson(res, 200, found);
        },
      },
    ],
    fallback: (_req, res) => fail(res, 404, "not found"),
  });
  return {
    url: `${server.url}${prefix}/`,
    org,
    users,
    bags,
    signVersions,
    addUser(name) {
      const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
      users.set(name, publicKey);
      return privateKey.export({ type: "pkcs1", format: "pem" }).toString();
    },
    faults: server.faults,
    requests: server.requests,
    close: server.close,
  };
}
