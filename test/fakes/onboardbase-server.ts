/**
 * Loopback fake of the Onboardbase public API (v1): `api_key` header auth, GET /secrets?project=&environment=
 * answering `{data: {secrets: [{id, key, value}]}}` with key and value encrypted by the API key's passcode as the
 * service does, GET /team/members, and `{message, status}` error bodies with the service's status codes.
 */
import { randomUUID } from "node:crypto";
import { encryptWithPasscode } from "../../src/providers/onboardbase/passcode-cipher.js";
import { type FakeRequest, type Fault, sendJson, startFakeServer } from "../support/fake-server.js";

export interface OnboardbaseFake {
  /** The API host, as spec.provider.onboardbase.apiHost takes it. */
  url: string;
  /** API key -> the passcode its secrets are encrypted with. */
  apiKeys: Map<string, string>;
  /** "project/environment" -> plain secrets. */
  environments: Map<string, Record<string, string>>;
  faults: Fault[];
  requests: string[];
  close(): Promise<void>;
}

export async function startOnboardbaseFake(): Promise<OnboardbaseFake> {
  const apiKeys = new Map<string, string>();
  const environments = new Map<string, Record<string, string>>();
  const passcodeOf = (req: FakeRequest) => apiKeys.get(String(req.headers.api_key ?? ""));
  const unauthorized = { message: "Invalid API key", status: "error" };
  const server = await startFakeServer({
    faultBody: (status) => ({ message: `injected ${status}`, status: "error" }),
    record: (r) => `${r.method} ${r.url.pathname}${r.url.search}`,
    routes: [
      {
        method: "GET",
        path: "/api/v1/team/members",
        handle: (req, res) => {
          if (passcodeOf(req) === undefined) return sendJson(res, 401, unauthorized);
          sendJson(res, 200, { data: [{ id: "m1", name: "admin" }], status: "success" });
        },
      },
      {
        method: "GET",
        path: "/api/v1/secrets",
        handle: (req, res) => {
          const passcode = passcodeOf(req);
          if (passcode === undefined) return sendJson(res, 401, unauthorized);
          const project = req.url.searchParams.get("project");
          const environment = req.url.searchParams.get("environment");
          const env = environments.get(`${project}/${environment}`);
          if (!env) return sendJson(res, 404, { message: "Project or environment not found", status: "error" });
          const secrets = Object.entries(env).map(([k, v]) => ({
            id: randomUUID(),
            key: encryptWithPasscode(k, passcode),
            value: encryptWithPasscode(v, passcode),
          }));
          sendJson(res, 200, {
            data: { project: { title: project }, environment: { title: environment }, secrets },
            status: "success",
          });
        },
      },
    ],
  });
  return {
    url: `${server.url}/api/v1/`,
    apiKeys,
    environments,
    faults: server.faults,
    requests: server.requests,
    close: server.close,
  };
}
