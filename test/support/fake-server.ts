/**
 * A loopback HTTP(S) server for fakes of remote APIs: listens on 127.0.0.1 on a free port, reads each request
 * body, records each request, serves queued faults (a status, a delay, or a hang) before any route, then
 * dispatches to a route table with a fallback. `close()` also drops open and hanging connections.
 */
import {
  createServer as createHttp,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from "node:http";
import { createServer as createHttps } from "node:https";
import type { AddressInfo } from "node:net";

export interface FakeRequest {
  method: string;
  /** The request target as sent (path and query). */
  rawUrl: string;
  /** The request URL resolved against the server (pathname, searchParams). */
  url: URL;
  headers: IncomingHttpHeaders;
  body: Buffer;
  text(): string;
  /** The body parsed as JSON; `{}` when empty. */
  json(): any;
}

/** A queued fault: a bare number is that status with the server's fault body. */
export type Fault = number | { status?: number; body?: unknown; delayMs?: number; hang?: boolean };

export type Handler = (req: FakeRequest, res: ServerResponse, match: RegExpExecArray | null) => unknown;

export interface Route {
  method?: string;
  /** An exact pathname, or a pattern tested against the pathname (its match is passed to the handler). */
  path: string | RegExp;
  handle: Handler;
}

export interface FakeServerOptions<R> {
  routes?: Route[];
  /** Answers requests no route takes (default: 404 with a JSON error). */
  fallback?: Handler;
  /** Serve HTTPS with this key pair (PEM). */
  tls?: { key: string; cert: string };
  /** Shared queue of one-shot faults; the fake usually exposes it to tests. */
  faults?: Fault[];
  /** The body of a fault answer with that status (default `{ error: "injected <status>" }`; a string is sent as text). */
  faultBody?: (status: number) => unknown;
  /** Where request records go, and what a record is (default `"<METHOD> <pathname>"`). */
  requests?: R[];
  record?: (req: FakeRequest) => R;
}

export interface FakeServer<R> {
  url: string;
  port: number;
  requests: R[];
  faults: Fault[];
  close(): Promise<void>;
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}

/** A string body goes out as text/plain, anything else as JSON. */
function send(res: ServerResponse, status: number, body: unknown) {
  if (typeof body !== "string") return sendJson(res, status, body);
  res.writeHead(status, { "content-type": "text/plain" });
  res.end(body);
}

export async function startFakeServer<R = string>(opts: FakeServerOptions<R> = {}): Promise<FakeServer<R>> {
  const routes = opts.routes ?? [];
  const faults = opts.faults ?? [];
  const requests = opts.requests ?? [];
  const record = opts.record ?? ((r: FakeRequest) => `${r.method} ${r.url.pathname}` as R);
  const faultBody = opts.faultBody ?? ((status: number) => ({ error: `injected ${status}` }));
  const fallback: Handler = opts.fallback ?? ((_req, res) => sendJson(res, 404, { error: "not found" }));

  const listener = async (raw: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const c of raw) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const req: FakeRequest = {
      method: raw.method ?? "GET",
      rawUrl: raw.url ?? "/",
      url: new URL(raw.url ?? "/", "http://127.0.0.1"),
      headers: raw.headers,
      body,
      text: () => body.toString("utf8"),
      json: () => JSON.parse(body.toString("utf8") || "{}"),
    };
    requests.push(record(req));
    const fault = faults.shift();
    if (fault !== undefined) {
      const f = typeof fault === "number" ? { status: fault } : fault;
      if (f.hang) return;
      if (f.delayMs) await new Promise((r) => setTimeout(r, f.delayMs));
      if (res.destroyed) return;
      if (f.status !== undefined) return send(res, f.status, f.body ?? faultBody(f.status));
    }
    for (const route of routes) {
      if (route.method && route.method !== req.method) continue;
      if (typeof route.path === "string") {
        if (route.path === req.url.pathname) return route.handle(req, res, null);
        continue;
      }
      const m = route.path.exec(req.url.pathname);
      if (m) return route.handle(req, res, m);
    }
    return fallback(req, res, null);
  };
  const server = opts.tls ? createHttps(opts.tls, listener) : createHttp(listener);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${opts.tls ? "https" : "http"}://127.0.0.1:${port}`,
    port,
    requests,
    faults,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}
