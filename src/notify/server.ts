/**
 * The change-notification endpoint (off unless started): a secret store tells the operator a remote secret
 * changed and exactly the ExternalSecrets reading it re-sync at once. Every request must carry the shared
 * token (Authorization: Bearer, or Basic with the token as password, which SNS can send from the endpoint
 * URL), and/or a client certificate signed by the configured CA (mTLS).
 *
 *   POST /notify                                   generic JSON, see parseGeneric
 *   POST /notify/aws?kind=&namespace=&name=        EventBridge event, direct or via an SNS subscription
 *   POST /notify/vault?kind=&namespace=&name=      Vault event notification (kv-v2 data-write, ...)
 */
import { timingSafeEqual } from "node:crypto";
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import type { TLSSocket } from "node:tls";
import { type Logger, silentLogger } from "../runtime/logger.js";
import {
  type Change,
  isSnsConfirmUrl,
  keysFromVaultEvent,
  NotifyInputError,
  parseGeneric,
  parseSns,
  secretsFromEventBridge,
  storeFromQuery,
} from "./adapters.js";
import { CallerLimiter, type CallerLimitOptions, callerOf } from "./caller-limit.js";
import type { NotifyStoreRef } from "./keys.js";

export interface NotifyTarget {
  notify(store: NotifyStoreRef, key: string): string[];
}

export interface NotifyServerOptions {
  target: NotifyTarget;
  /** Listen address, "host:port" (default 127.0.0.1:0). */
  address?: string;
  /** Shared token every request must present. */
  token?: string;
  /** Serve HTTPS; with clientCA, requests without a certificate signed by it get 401 (mTLS). */
  tls?: { cert: string | Buffer; key: string | Buffer; clientCA?: string | Buffer };
  /** Confirms an SNS subscription by visiting its SubscribeURL (default: HTTPS GET, SNS hosts only). */
  confirmSubscription?: (url: string) => Promise<void>;
  logger?: Logger;
  maxBodyBytes?: number;
  /** Per-caller request rate (default 5/s, burst 20); over it a caller gets 429 with Retry-After. */
  rateLimit?: CallerLimitOptions;
}

export interface NotifyServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function splitAddress(address: string): { host: string; port: number } {
  const m = /^\[?([^\]]*)\]?:(\d+)$/.exec(address);
  if (!m) throw new Error(`notify address ${JSON.stringify(address)}: must be host:port`);
  return { host: m[1] || "127.0.0.1", port: Number(m[2]) };
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function presentedToken(req: IncomingMessage): string | undefined {
  const h = req.headers.authorization ?? "";
  if (h.startsWith("Bearer ")) return h.slice(7).trim();
  if (h.startsWith("Basic ")) {
    const decoded = Buffer.from(h.slice(6).trim(), "base64").toString("utf8");
    const i = decoded.indexOf(":");
    return i >= 0 ? decoded.slice(i + 1) : undefined;
  }
  return undefined;
}

async function defaultConfirm(url: string): Promise<void> {
  const res = await fetch(url, { method: "GET", redirect: "error", signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new Error(`SNS subscription confirmation answered ${res.status}`);
}

export async function startNotifyServer(opts: NotifyServerOptions): Promise<NotifyServer> {
  if (!opts.token && !opts.tls?.clientCA) {
    throw new Error("notify endpoint: set a token or a client CA (mTLS); it never runs unauthenticated");
  }
  const log = (opts.logger ?? silentLogger()).child({ component: "notify" });
  const maxBody = opts.maxBodyBytes ?? 256 * 1024;
  const confirm = opts.confirmSubscription ?? defaultConfirm;
  const callers = new CallerLimiter(opts.rateLimit);

  const authorized = (req: IncomingMessage): boolean => {
    if (opts.tls?.clientCA && !(req.socket as TLSSocket).authorized) return false;
    if (opts.token) {
      const given = presentedToken(req);
      if (given === undefined || !sameSecret(given, opts.token)) return false;
    }
    return true;
  };

  const readJson = async (req: IncomingMessage): Promise<unknown> => {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const c of req) {
      size += (c as Buffer).length;
      if (size > maxBody) throw new HttpError(413, `body larger than ${maxBody} bytes`);
      chunks.push(c as Buffer);
    }
    try {
      return JSON.parse(Buffer.concat(chunks).toString("utf8"));
    } catch {
      throw new HttpError(400, "body: is not valid JSON");
    }
  };

  const apply = (changes: Change[]) => {
    const resynced = new Set<string>();
    for (const c of changes) for (const id of opts.target.notify(c.store, c.key)) resynced.add(id);
    log.info({ changes: changes.map((c) => ({ ...c.store, key: c.key })), resynced: resynced.size }, "notification");
    return { resynced: resynced.size };
  };

  const route = async (req: IncomingMessage, url: URL): Promise<{ status: number; body: unknown }> => {
    const body = await readJson(req);
    switch (url.pathname) {
      case "/notify":
        return { status: 202, body: apply(parseGeneric(body)) };
      case "/notify/aws": {
        const store = storeFromQuery(url.searchParams);
        const headerType = req.headers["x-amz-sns-message-type"];
        const o = body as Record<string, unknown> | null;
        if (!headerType && o && typeof o === "object" && "detail-type" in o) {
          return { status: 202, body: apply(secretsFromEventBridge(o).map((key) => ({ store, key }))) };
        }
        const sns = parseSns(body, typeof headerType === "string" ? headerType : undefined);
        if (sns.type === "SubscriptionConfirmation") {
          if (!isSnsConfirmUrl(sns.subscribeUrl)) {
            throw new HttpError(
              400,
              "SubscribeURL: must be an https://sns.<region>.amazonaws.com ConfirmSubscription URL",
            );
          }
          await confirm(sns.subscribeUrl);
          log.info({ topicArn: sns.topicArn }, "SNS subscription confirmed");
          return { status: 200, body: { confirmed: true } };
        }
        if (sns.type === "UnsubscribeConfirmation") return { status: 200, body: {} };
        let event: unknown;
        try {
          event = JSON.parse(sns.message);
        } catch {
          throw new NotifyInputError("Message: is not a JSON EventBridge event");
        }
        return { status: 202, body: apply(secretsFromEventBridge(event).map((key) => ({ store, key }))) };
      }
      case "/notify/vault": {
        const store = storeFromQuery(url.searchParams);
        return { status: 202, body: apply(keysFromVaultEvent(body).map((key) => ({ store, key }))) };
      }
      default:
        throw new HttpError(404, `no notification endpoint at ${url.pathname}`);
    }
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "content-type": "application/json", ...headers });
      res.end(JSON.stringify(body));
    };
    // Before anything else (authentication included): a flooding caller costs one map lookup per request.
    const waitMs = callers.take(callerOf(req));
    if (waitMs > 0) {
      req.resume();
      send(
        429,
        { error: "too many notifications from this caller" },
        { "retry-after": String(Math.ceil(waitMs / 1000)) },
      );
      return;
    }
    if (!authorized(req)) {
      req.resume();
      send(401, { error: "unauthorized" }, opts.token ? { "www-authenticate": 'Bearer realm="eso-notify"' } : {});
      return;
    }
    if (req.method !== "POST") {
      req.resume();
      send(405, { error: "use POST" }, { allow: "POST" });
      return;
    }
    const url = new URL(req.url ?? "/", "http://notify.local");
    route(req, url).then(
      (r) => send(r.status, r.body),
      (err: unknown) => {
        if (err instanceof HttpError) send(err.status, { error: err.message });
        else if (err instanceof NotifyInputError) send(400, { error: err.message });
        else {
          log.warn({ error: (err as Error).message }, "notification failed");
          send(500, { error: "notification failed" });
        }
      },
    );
  };

  const server = opts.tls
    ? https.createServer(
        {
          cert: opts.tls.cert,
          key: opts.tls.key,
          ...(opts.tls.clientCA ? { ca: opts.tls.clientCA, requestCert: true, rejectUnauthorized: false } : {}),
        },
        handle,
      )
    : http.createServer(handle);
  const { host, port } = splitAddress(opts.address ?? "127.0.0.1:0");
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  const shownHost = host.includes(":") ? `[${host}]` : host;
  return {
    url: `${opts.tls ? "https" : "http"}://${shownHost}:${bound}`,
    port: bound,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
