/**
 * Loopback HTTP(S) endpoint for the webhook provider: routes answer JSON or text, every request is recorded
 * (method, URL, headers, body), and faults, delays and TLS with a self-signed CA can be injected.
 */
import { createServer as createHttp, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createHttps } from "node:https";
import type { AddressInfo } from "node:net";
import { selfSignedCert } from "./azurekv-server.js";

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}

export interface WebhookReply {
  status?: number;
  json?: unknown;
  text?: string;
  delayMs?: number;
}

export interface WebhookFake {
  url: string;
  /** PEM of the self-signed CA when started with TLS. */
  caPem?: string;
  /** pathname -> reply (or a function of the request). */
  routes: Map<string, WebhookReply | ((req: RecordedRequest) => WebhookReply)>;
  faults: number[];
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export async function startWebhookFake(opts: { tls?: boolean } = {}): Promise<WebhookFake> {
  const fake = { routes: new Map(), faults: [] as number[], requests: [] as RecordedRequest[] } as Omit<
    WebhookFake,
    "url" | "close"
  > & { caPem?: string };
  const handler = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const rec: RecordedRequest = {
      method: req.method ?? "GET",
      url: req.url ?? "/",
      headers: req.headers,
      body: Buffer.concat(chunks).toString("utf8"),
    };
    fake.requests.push(rec);
    const fault = fake.faults.shift();
    if (fault !== undefined) {
      res.writeHead(fault, { "content-type": "text/plain" });
      res.end(`injected ${fault}`);
      return;
    }
    const route = fake.routes.get(new URL(rec.url, "http://x").pathname);
    const reply = typeof route === "function" ? route(rec) : (route ?? { status: 404, text: "not found" });
    if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
    if (res.destroyed) return;
    res.writeHead(reply.status ?? 200, {
      "content-type": reply.json !== undefined ? "application/json" : "text/plain",
    });
    res.end(reply.json !== undefined ? JSON.stringify(reply.json) : (reply.text ?? ""));
  };
  let server: ReturnType<typeof createHttp>;
  if (opts.tls) {
    const cert = selfSignedCert("127.0.0.1");
    fake.caPem = cert.certPem;
    server = createHttps({ key: cert.keyPem, cert: cert.certPem }, handler);
  } else {
    server = createHttp(handler);
  }
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return Object.assign(fake, {
    url: `${opts.tls ? "https" : "http"}://127.0.0.1:${port}`,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((r) => server.close(() => r()));
    },
  });
}
