/**
 * Loopback fake of the Previder Vault API: `GET /token/info` and `GET /secret/<id or name>/decrypt`, both
 * authenticated with the `X-API-Key` header (401 for unknown tokens, 404 for absent secrets).
 */
import type { ServerResponse } from "node:http";
import { type FakeRequest, type Fault, sendJson as send, startFakeServer } from "../support/fake-server.js";

export interface PreviderFake {
  url: string;
  /** Access token -> token type (ReadOnly, ReadWrite, ...). */
  tokens: Map<string, string>;
  /** Secret id -> { name, value }. */
  secrets: Map<string, { name: string; value: string }>;
  faults: Fault[];
  requests: string[];
  close(): Promise<void>;
}

export async function startPreviderFake(): Promise<PreviderFake> {
  const fake = {
    tokens: new Map<string, string>(),
    secrets: new Map<string, { name: string; value: string }>(),
    faults: [] as Fault[],
    requests: [] as string[],
  };
  const handle = (req: FakeRequest, res: ServerResponse) => {
    const token = req.headers["x-api-key"];
    const type = typeof token === "string" ? fake.tokens.get(token) : undefined;
    if (!type) return send(res, 401, { message: "Unauthorized" });
    const path = req.url.pathname;
    if (req.method === "GET" && path === "/token/info") {
      return send(res, 200, { id: "tok-1", description: "eso", tokenType: type, environmentId: "env-1" });
    }
    const m = /^\/secret\/([^/]+)\/decrypt$/.exec(path);
    if (req.method === "GET" && m) {
      const wanted = decodeURIComponent(m[1]!);
      const hit = fake.secrets.get(wanted) ?? [...fake.secrets.values()].find((s) => s.name === wanted);
      if (!hit) return send(res, 404, { message: "Secret not found" });
      return send(res, 200, { secret: hit.value });
    }
    send(res, 404, { message: "Not found" });
  };
  const server = await startFakeServer({
    faults: fake.faults,
    faultBody: (status) => ({ message: `injected ${status}` }),
    requests: fake.requests,
    fallback: handle,
  });
  return Object.assign(fake, { url: server.url, close: server.close });
}
