/**
 * Loopback fake of OpenStack Keystone v3 (password and application-credential logins, X-Subject-Token, a catalog
 * naming this server as the key-manager in "RegionOne") and Barbican v1 (secret payloads, the paged secret list),
 * with their error bodies. Tokens are checked on every Barbican call.
 */
import { randomUUID } from "node:crypto";
import type { ServerResponse } from "node:http";
import { type Fault, sendJson, startFakeServer } from "../support/fake-server.js";

export interface BarbicanFakeSecret {
  uuid: string;
  name: string;
  payload: Buffer;
}

export interface BarbicanFake {
  url: string;
  users: { name: string; domain: string; password: string; project: string }[];
  appCreds: { id: string; secret: string }[];
  tokens: Set<string>;
  secrets: BarbicanFakeSecret[];
  faults: Fault[];
  requests: string[];
  addSecret(name: string, payload: string | Buffer): BarbicanFakeSecret;
  close(): Promise<void>;
}

const keystoneError = (res: ServerResponse, code: number, title: string) =>
  sendJson(res, code, { error: { code, title, message: "The request you have made requires authentication." } });
const barbicanError = (res: ServerResponse, code: number, title: string, description: string) =>
  sendJson(res, code, { code, title, description });

export async function startBarbicanFake(): Promise<BarbicanFake> {
  const fake = {
    users: [] as BarbicanFake["users"],
    appCreds: [] as BarbicanFake["appCreds"],
    tokens: new Set<string>(),
    secrets: [] as BarbicanFakeSecret[],
    faults: [] as Fault[],
    requests: [] as string[],
  };
  let url = "";
  const authed = (token: unknown) => typeof token === "string" && fake.tokens.has(token);

  const server = await startFakeServer({
    faults: fake.faults,
    requests: fake.requests,
    faultBody: (status) => ({ code: status, title: status === 429 ? "Too Many Requests" : "Internal Server Error" }),
    record: (r) => `${r.method} ${r.url.pathname}${r.url.search}`,
    routes: [
      {
        method: "POST",
        path: "/v3/auth/tokens",
        handle: (req, res) => {
          const id = req.json()?.auth?.identity ?? {};
          let ok = false;
          if (id.methods?.[0] === "password") {
            const u = id.password?.user ?? {};
            const project = req.json()?.auth?.scope?.project;
            ok = fake.users.some(
              (x) =>
                x.name === u.name &&
                x.password === u.password &&
                x.domain === u.domain?.name &&
                (!project || (project.name === x.project && project.domain?.name === x.domain)),
            );
          } else if (id.methods?.[0] === "application_credential") {
            const a = id.application_credential ?? {};
            ok = fake.appCreds.some((x) => x.id === a.id && x.secret === a.secret);
          }
          if (!ok) return keystoneError(res, 401, "Unauthorized");
          const token = `gAAAA${randomUUID()}`;
          fake.tokens.add(token);
          res.writeHead(201, { "content-type": "application/json", "x-subject-token": token });
          res.end(
            JSON.stringify({
              token: {
                expires_at: new Date(Date.now() + 3600_000).toISOString(),
                catalog: [
                  { type: "identity", endpoints: [{ interface: "public", region: "RegionOne", url: `${url}/v3` }] },
                  {
                    type: "key-manager",
                    endpoints: [
                      { interface: "internal", region: "RegionOne", url: "http://192.0.2.1:9311" },
                      { interface: "public", region: "RegionTwo", url: "http://192.0.2.2:9311" },
                      { interface: "public", region: "RegionOne", region_id: "RegionOne", url },
                    ],
                  },
                ],
              },
            }),
          );
        },
      },
      {
        method: "GET",
        path: /^\/v1\/secrets\/([^/]+)\/payload$/,
        handle: (req, res, m) => {
          if (!authed(req.headers["x-auth-token"])) return keystoneError(res, 401, "Unauthorized");
          const s = fake.secrets.find((x) => x.uuid === m![1]);
          if (!s) return barbicanError(res, 404, "Not Found", "Secret not found.");
          res.writeHead(200, { "content-type": "application/octet-stream" });
          res.end(s.payload);
        },
      },
      {
        method: "GET",
        path: "/v1/secrets",
        handle: (req, res) => {
          if (!authed(req.headers["x-auth-token"])) return keystoneError(res, 401, "Unauthorized");
          const limit = Number(req.url.searchParams.get("limit") ?? 10);
          const offset = Number(req.url.searchParams.get("offset") ?? 0);
          const page = fake.secrets.slice(offset, offset + limit);
          const more = offset + limit < fake.secrets.length;
          return sendJson(res, 200, {
            secrets: page.map((s) => ({ name: s.name, secret_ref: `${url}/v1/secrets/${s.uuid}`, status: "ACTIVE" })),
            total: fake.secrets.length,
            ...(more ? { next: `${url}/v1/secrets?limit=${limit}&offset=${offset + limit}` } : {}),
          });
        },
      },
    ],
  });
  url = server.url;
  return Object.assign(fake, {
    url,
    addSecret: (name: string, payload: string | Buffer) => {
      const s = { uuid: randomUUID(), name, payload: Buffer.isBuffer(payload) ? payload : Buffer.from(payload) };
      fake.secrets.push(s);
      return s;
    },
    close: server.close,
  });
}
