/**
 * Loopback HTTPS fake of senhasegura's API: the OAuth2 client-credentials token endpoint (/iso/oauth2/token,
 * form-encoded, `invalid_client` as 401) and the DSM application endpoint (/iso/dapp/application) with its
 * `{response, application: {secrets: [{identity, data: [{k: v}]}]}}` body; tokens expire and can be revoked.
 */
import { randomBytes } from "node:crypto";
import { issueCertBundle } from "../../src/util/serving-certs.js";
import { type FakeRequest, type Fault, sendJson, startFakeServer } from "../support/fake-server.js";

export interface FakeDsmSecret {
  identity: string;
  data: Record<string, string>[];
}

export interface SenhaseguraFake {
  url: string;
  clients: Map<string, string>;
  secrets: FakeDsmSecret[];
  /** Issued tokens; delete one to make the service answer 401 to it. */
  tokens: Set<string>;
  tokenRequests: number;
  faults: Fault[];
  requests: string[];
  close(): Promise<void>;
}

export async function startSenhaseguraFake(): Promise<SenhaseguraFake> {
  const cert = issueCertBundle(["localhost"], 1, ["127.0.0.1"]);
  const fake = {
    clients: new Map<string, string>(),
    secrets: [] as FakeDsmSecret[],
    tokens: new Set<string>(),
    tokenRequests: 0,
  };
  const bearer = (req: FakeRequest) => String(req.headers.authorization ?? "").replace(/^Bearer /, "");
  const server = await startFakeServer({
    tls: { key: cert.key, cert: cert.cert },
    faultBody: (status) => ({ response: { status, message: `injected ${status}`, error: true, error_code: status } }),
    routes: [
      {
        method: "POST",
        path: "/iso/oauth2/token",
        handle: (req, res) => {
          fake.tokenRequests++;
          const form = new URLSearchParams(req.text());
          if (form.get("grant_type") !== "client_credentials") {
            return sendJson(res, 400, { error: "unsupported_grant_type" });
          }
          const id = form.get("client_id") ?? "";
          if (!fake.clients.has(id) || fake.clients.get(id) !== form.get("client_secret")) {
            return sendJson(res, 401, { error: "invalid_client", error_description: "Client authentication failed" });
          }
          const token = randomBytes(16).toString("hex");
          fake.tokens.add(token);
          sendJson(res, 200, { token_type: "Bearer", expires_in: 3600, access_token: token });
        },
      },
      {
        method: "GET",
        path: "/iso/dapp/application",
        handle: (req, res) => {
          if (!fake.tokens.has(bearer(req))) {
            return sendJson(res, 401, {
              response: { status: 401, message: "Unauthorized", error: true, error_code: 1 },
            });
          }
          sendJson(res, 200, {
            response: { status: 200, message: "Success", error: false, error_code: 0 },
            application: {
              name: "app",
              description: "",
              tags: [],
              system: "k8s",
              Environment: "prod",
              secrets: fake.secrets.map((s, i) => ({
                secret_id: String(i + 1),
                secret_name: s.identity,
                identity: s.identity,
                version: "1",
                expiration_date: "",
                engine: "generic",
                data: s.data,
              })),
            },
          });
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
