/**
 * Loopback fake of the Fortanix DSM (SDKMS) REST API: application API keys sent as `Authorization: Basic <key>`,
 * POST /crypto/v1/keys/info (lookup by name; opaque objects carry their value, Secret objects do not),
 * POST /crypto/v1/keys/export (by kid, exportable objects only), GET /crypto/v1/keys, and DSM's plain-text error
 * bodies with its status codes. Optionally served over TLS.
 */
import { randomUUID } from "node:crypto";
import type { ServerResponse } from "node:http";
import { type FakeRequest, type Fault, sendJson, startFakeServer } from "../support/fake-server.js";

export interface FakeSobject {
  kid: string;
  name: string;
  obj_type: "Secret" | "Opaque" | "AES";
  value: Buffer;
  exportable: boolean;
}

export interface FortanixFake {
  url: string;
  apiKey: string;
  objects: FakeSobject[];
  /** Adds an object; returns its kid. */
  add(name: string, value: string | Buffer, objType?: FakeSobject["obj_type"], exportable?: boolean): string;
  faults: Fault[];
  requests: string[];
  close(): Promise<void>;
}

const text = (res: ServerResponse, status: number, body: string) => {
  res.writeHead(status, { "content-type": "text/plain" });
  res.end(body);
};

export async function startFortanixFake(tls?: { key: string; cert: string }): Promise<FortanixFake> {
  const apiKey = Buffer.from(`${randomUUID()}:${randomUUID()}`).toString("base64");
  const objects: FakeSobject[] = [];
  const authed = (req: FakeRequest, res: ServerResponse) => {
    if (req.headers.authorization === `Basic ${apiKey}`) return true;
    text(res, 401, "Invalid API key");
    return false;
  };
  const meta = (o: FakeSobject, withValue: boolean) => ({
    kid: o.kid,
    name: o.name,
    obj_type: o.obj_type,
    state: "Active",
    ...(withValue ? { value: o.value.toString("base64") } : {}),
  });
  const server = await startFakeServer({
    tls,
    faultBody: (status) => `injected ${status}`,
    record: (r) => `${r.method} ${r.url.pathname} ${r.text()}`,
    routes: [
      {
        method: "POST",
        path: "/crypto/v1/keys/info",
        handle: (req, res) => {
          if (!authed(req, res)) return;
          const o = objects.find((x) => x.name === req.json().name);
          if (!o) return text(res, 404, "sobject does not exist");
          sendJson(res, 200, meta(o, o.obj_type === "Opaque"));
        },
      },
      {
        method: "POST",
        path: "/crypto/v1/keys/export",
        handle: (req, res) => {
          if (!authed(req, res)) return;
          const o = objects.find((x) => x.kid === req.json().kid);
          if (!o) return text(res, 404, "sobject does not exist");
          if (!o.exportable) return text(res, 403, "sobject is not exportable");
          sendJson(res, 200, meta(o, true));
        },
      },
      {
        method: "GET",
        path: "/crypto/v1/keys",
        handle: (req, res) => {
          if (!authed(req, res)) return;
          sendJson(
            res,
            200,
            objects.slice(0, 1).map((o) => meta(o, false)),
          );
        },
      },
    ],
    fallback: (_req, res) => text(res, 404, "not found"),
  });
  return {
    url: server.url,
    apiKey,
    objects,
    add(name, value, objType = "Secret", exportable = true) {
      const kid = randomUUID();
      objects.push({ kid, name, obj_type: objType, value: Buffer.from(value), exportable });
      return kid;
    },
    faults: server.faults,
    requests: server.requests,
    close: server.close,
  };
}
