/**
 * Loopback fake of IBM Cloud IAM (`POST /identity/token`: API key and compute-resource-token grants) and the
 * Secrets Manager REST API v2 (`GET /api/v2/secrets/{id}` and by group/type/name), with IAM's
 * `{errorCode, errorMessage}` and Secrets Manager's `{errors: [{code, message}], status_code}` error bodies.
 */
import { randomUUID } from "node:crypto";
import type { ServerResponse } from "node:http";
import { type Fault, sendJson, startFakeServer } from "../support/fake-server.js";

export interface IbmFakeSecret {
  id: string;
  name: string;
  secret_type: string;
  secret_group_name: string;
  /** The type's own fields (payload, username/password, data, certificate...). */
  fields: Record<string, unknown>;
}

export interface IbmFake {
  url: string;
  /** API keys IAM accepts. */
  apiKeys: Set<string>;
  /** Trusted profiles: profile name -> compute-resource token it accepts. */
  profiles: Map<string, string>;
  /** Access tokens issued, and what they were issued for. */
  issued: Map<string, string>;
  secrets: IbmFakeSecret[];
  faults: Fault[];
  requests: { method: string; path: string; form?: Record<string, string> }[];
  addSecret(s: Omit<IbmFakeSecret, "id" | "secret_group_name"> & { id?: string; group?: string }): string;
  /** Forgets every issued access token (as a revocation would). */
  revokeTokens(): void;
  close(): Promise<void>;
}

function smError(res: ServerResponse, status: number, code: string, message: string) {
  sendJson(res, status, { errors: [{ code, message }], status_code: status, trace: randomUUID() });
}

export async function startIbmFake(): Promise<IbmFake> {
  const fake: Omit<IbmFake, "url" | "close"> = {
    apiKeys: new Set(),
    profiles: new Map(),
    issued: new Map(),
    secrets: [],
    faults: [],
    requests: [],
    addSecret(s) {
      const id = s.id ?? randomUUID();
      fake.secrets.push({
        id,
        name: s.name,
        secret_type: s.secret_type,
        secret_group_name: s.group ?? "default",
        fields: s.fields,
      });
      return id;
    },
    revokeTokens() {
      fake.issued.clear();
    },
  };
  const render = (s: IbmFakeSecret) => ({
    created_by: "iam-ServiceId-fake",
    created_at: "2024-01-02T03:04:05.000Z",
    crn: `crn:v1:bluemix:public:secrets-manager:us-south:a/fake:instance:secret:${s.id}`,
    id: s.id,
    name: s.name,
    secret_group_id: s.secret_group_name === "default" ? "default" : `group-${s.secret_group_name}`,
    secret_type: s.secret_type,
    state: 1,
    state_description: "active",
    versions_total: 1,
    downloaded: true,
    labels: [],
    ...s.fields,
  });
  const server = await startFakeServer({
    faults: fake.faults,
    faultBody: (status) => ({ errors: [{ code: "fault", message: `injected ${status}` }], status_code: status }),
    requests: fake.requests,
    record: (req) => ({
      method: req.method,
      path: req.url.pathname,
      ...(req.url.pathname === "/identity/token" ? { form: Object.fromEntries(new URLSearchParams(req.text())) } : {}),
    }),
    routes: [
      {
        method: "POST",
        path: "/identity/token",
        handle: (req, res) => {
          if (!String(req.headers["content-type"]).startsWith("application/x-www-form-urlencoded")) {
            return sendJson(res, 400, { errorCode: "BXNIM0109E", errorMessage: "Property missing or empty." });
          }
          const form = new URLSearchParams(req.text());
          const grant = form.get("grant_type");
          let subject: string | undefined;
          if (grant === "urn:ibm:params:oauth:grant-type:apikey") {
            const key = form.get("apikey") ?? "";
            if (fake.apiKeys.has(key)) subject = `apikey:${key.slice(0, 4)}`;
          } else if (grant === "urn:ibm:params:oauth:grant-type:cr-token") {
            const profile = form.get("profile_name") ?? "";
            if (fake.profiles.get(profile) === form.get("cr_token")) subject = `profile:${profile}`;
          } else {
            return sendJson(res, 400, { errorCode: "BXNIM0111E", errorMessage: "Unsupported grant type." });
          }
          if (!subject) {
            return sendJson(res, 400, {
              errorCode: "BXNIM0415E",
              errorMessage: "Provided API key could not be found.",
              context: { requestId: randomUUID() },
            });
          }
          const token = `iam-${randomUUID()}`;
          fake.issued.set(token, subject);
          const now = Math.floor(Date.now() / 1000);
          return sendJson(res, 200, {
            access_token: token,
            refresh_token: "not_supported",
            token_type: "Bearer",
            expires_in: 3600,
            expiration: now + 3600,
            scope: "ibm openid",
          });
        },
      },
    ],
    fallback: (req, res) => {
      const auth = req.headers.authorization ?? "";
      const token = auth.startsWith("Bearer ") ? auth.slice(7) : "";
      if (!fake.issued.has(token)) return smError(res, 401, "unauthorized", "The token is not valid.");
      const p = req.url.pathname;
      let m = /^\/api\/v2\/secrets\/([^/]+)$/.exec(p);
      if (m && req.method === "GET") {
        const id = decodeURIComponent(m[1]!);
        const s = fake.secrets.find((x) => x.id === id);
        if (!s) return smError(res, 404, "not_found", "Secret not found");
        return sendJson(res, 200, render(s));
      }
      m = /^\/api\/v2\/secret_groups\/([^/]+)\/secret_types\/([^/]+)\/secrets\/([^/]+)$/.exec(p);
      if (m && req.method === "GET") {
        const [group, type, name] = [m[1]!, m[2]!, m[3]!].map(decodeURIComponent);
        const s = fake.secrets.find((x) => x.name === name && x.secret_type === type && x.secret_group_name === group);
        if (!s) return smError(res, 404, "not_found", "Secret not found");
        return sendJson(res, 200, render(s));
      }
      return smError(res, 404, "not_found", "Not found");
    },
  });
  return Object.assign(fake, { url: server.url, close: server.close });
}
