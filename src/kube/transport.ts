/**
 * HTTP(S) to one API server, the way every Kubernetes call in this process goes:
 * - one keep-alive agent per transport (watches included), TLS and auth from a kubeconfig or a fixed connection;
 * - a client-side QPS/burst token bucket (--client-qps / --client-burst for the operator's own transport);
 * - 429 (and 503 with Retry-After) retried after the server's Retry-After;
 * - every response body capped, so a broken or hostile server cannot grow the process without bound;
 * - rest_client_requests_total by code, method and host, and request latency, when given the metrics.
 */
import http from "node:http";
import https from "node:https";
import type { KubeConfig } from "@kubernetes/client-node";
import { HttpProxyAgent, HttpsProxyAgent } from "hpagent";
import { type Clock, realClock, sleep } from "../runtime/clock.js";
import { type Logger, silentLogger } from "../runtime/logger.js";
import { TokenBucket } from "../runtime/ratelimit.js";
import { ApiError } from "./errors.js";
import type { KubeObject } from "./object.js";

/** Where an API server is and how to authenticate to it. */
export interface KubeConnection {
  /** URL; without a scheme, https is assumed. */
  server: string;
  ca?: string | Buffer;
  cert?: string | Buffer;
  key?: string | Buffer;
  pfx?: string | Buffer;
  passphrase?: string;
  tlsServerName?: string;
  token?: string;
  insecureSkipTLSVerify?: boolean;
  /** Extra headers, e.g. from a kubeconfig's auth plugin, basic auth or impersonation. */
  headers?: Record<string, string>;
  /** HTTP(S) proxy the requests are tunnelled through (CONNECT). */
  proxyUrl?: string;
}

/** What the transport records; `RuntimeMetrics` has these. */
export interface RestClientMetrics {
  restRequests: { inc(labels: { code: string; method: string; host: string }): void };
  restLatency: { observe(labels: { verb: string; host: string }, seconds: number): void };
}

export interface KubeTransportOptions {
  /** The operator's own identity: credentials and TLS from the kubeconfig, re-read every minute. */
  kubeConfig?: KubeConfig;
  /** A fixed connection instead (a tenant's cluster, vetted by the caller). */
  connection?: KubeConnection;
  /** Sustained requests per second (default 50, as upstream ESO); <= 0 disables the limiter. */
  qps?: number;
  /** Requests allowed above the sustained rate (default 100). */
  burst?: number;
  /** How many times one call is retried on 429 (default 10, as client-go). */
  maxRetries?: number;
  /** Per-attempt timeout in ms (default 60 s). */
  timeoutMs?: number;
  /** Cap on one response body (default 64 MiB); a request may raise it (paginated lists). */
  maxResponseBytes?: number;
  clock?: Clock;
  metrics?: RestClientMetrics;
  logger?: Logger;
  userAgent?: string;
}

export type Query = Record<string, string | number | boolean | undefined>;

export interface RequestOptions {
  method: string;
  /** Path below the server URL, e.g. "/api/v1/namespaces". */
  path: string;
  query?: Query;
  body?: unknown;
  contentType?: string;
  signal?: AbortSignal;
  /** Per-attempt timeout (default: the transport's). */
  timeoutMs?: number;
  /** Cap on this response's body (default: the transport's). */
  maxResponseBytes?: number;
}

export type WatchEvent<T extends KubeObject = KubeObject> =
  | { type: "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK"; object: T }
  | { type: "ERROR"; object: { code?: number; message?: string; reason?: string } };

/**
 * One object is at most ~1.5 MiB (etcd's request limit), yet a namespace's worth of Secrets in one unpaginated
 * list can be dozens of them: the default leaves room for that.
 */
export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024;
const CONNECTION_TTL_MS = 60_000;

interface Response {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  stream?: http.IncomingMessage;
}

export class KubeTransport {
  /** host[:port] of the API server (the `host` label of the request metrics). */
  readonly host: string;
  private readonly server: string;
  private readonly bucket: TokenBucket;
  private readonly maxRetries: number;
  private readonly timeoutMs: number;
  private readonly maxResponseBytes: number;
  private readonly clock: Clock;
  private readonly metrics?: RestClientMetrics;
  private readonly log: Logger;
  private readonly userAgent: string;
  private readonly kubeConfig?: KubeConfig;
  private agent?: http.Agent;
  private resolved?: { conn: KubeConnection; at: number };

  constructor(opts: KubeTransportOptions) {
    if (opts.connection) {
      this.server = serverUrl(opts.connection.server);
      this.resolved = { conn: opts.connection, at: Number.POSITIVE_INFINITY };
    } else if (opts.kubeConfig) {
      const cluster = opts.kubeConfig.getCurrentCluster();
      if (!cluster) throw new Error("kubeconfig has no current cluster");
      this.server = serverUrl(cluster.server);
      this.kubeConfig = opts.kubeConfig;
    } else {
      throw new Error("a Kubernetes transport needs a kubeconfig or a connection");
    }
    this.host = new URL(this.server).host;
    this.clock = opts.clock ?? realClock;
    this.bucket = new TokenBucket(opts.qps ?? 50, opts.burst ?? 100, this.clock);
    this.maxRetries = opts.maxRetries ?? 10;
    this.timeoutMs = opts.timeoutMs ?? 60_000;
    this.maxResponseBytes = opts.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    this.metrics = opts.metrics;
    this.log = opts.logger ?? silentLogger();
    this.userAgent = opts.userAgent ?? "eso-ts";
  }

  /** Closes idle keep-alive sockets (and any still in use). */
  close(): void {
    this.agent?.destroy();
    this.agent = undefined;
  }

  /** One JSON request; retries 429 per Retry-After; throws ApiError on any non-2xx status or failure. */
  async request<T = unknown>(opts: RequestOptions): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      await this.bucket.wait(opts.signal);
      let res: Response;
      try {
        res = await this.send(opts, false);
      } catch (e) {
        throw e instanceof ApiError ? e : new ApiError(0, `${opts.method} ${opts.path}: ${messageOf(e)}`);
      }
      if (res.status >= 200 && res.status < 300) return parseBody<T>(res, opts);
      const err = toApiError(res, opts);
      const retriable = res.status === 429 || (res.status === 503 && err.retryAfterSeconds !== undefined);
      if (!retriable || attempt >= this.maxRetries) throw err;
      const waitMs = Math.max(1, err.retryAfterSeconds ?? 1) * 1000;
      this.log.debug(
        { method: opts.method, path: opts.path, status: res.status, waitMs },
        "throttled by the API server",
      );
      await sleep(this.clock, waitMs, opts.signal);
    }
  }

  /**
   * Opens a watch and calls `onEvent` per event until the server ends it (resolves) or it fails (rejects with
   * ApiError). Aborting `signal` closes it and resolves.
   */
  async watch<T extends KubeObject = KubeObject>(
    path: string,
    query: Query,
    onEvent: (ev: WatchEvent<T>) => void,
    signal?: AbortSignal,
  ): Promise<void> {
    await this.bucket.wait(signal);
    const opts: RequestOptions = { method: "GET", path, query: { ...query, watch: true }, signal };
    let res: Response;
    try {
      res = await this.send(opts, true);
    } catch (e) {
      throw e instanceof ApiError ? e : new ApiError(0, `GET ${path}: ${messageOf(e)}`);
    }
    const stream = res.stream;
    if (!stream) throw toApiError(res, opts);
    const maxLine = this.maxResponseBytes;
    await new Promise<void>((resolve, reject) => {
      let buf = "";
      let failed = false;
      const fail = (message: string) => {
        failed = true;
        stream.destroy();
        reject(new ApiError(0, `GET ${path}: ${message}`));
      };
      stream.setEncoding("utf8");
      stream.on("data", (chunk: string) => {
        if (failed) return;
        buf += chunk;
        let nl = buf.indexOf("\n");
        while (nl >= 0) {
          const line = buf.slice(0, nl).trim();
          buf = buf.slice(nl + 1);
          nl = buf.indexOf("\n");
          if (!line) continue;
          let ev: WatchEvent<T>;
          try {
            ev = JSON.parse(line) as WatchEvent<T>;
          } catch {
            fail("malformed watch event");
            return;
          }
          onEvent(ev);
          if (failed) return;
        }
        if (buf.length > maxLine) fail(`watch event exceeds the ${formatBytes(maxLine)} size cap`);
      });
      const finish = () => {
        if (!failed) resolve();
      };
      stream.on("end", finish);
      stream.on("close", finish);
      stream.on("error", (e) => {
        if (signal?.aborted) finish();
        else if (!failed) fail(e.message);
      });
    });
  }

  private async send(opts: RequestOptions, streaming: boolean): Promise<Response> {
    const url = new URL(this.server + opts.path);
    for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const conn = await this.connection();
    const isHttps = url.protocol === "https:";
    const headers: Record<string, string> = {
      accept: "application/json",
      "user-agent": this.userAgent,
      ...(conn.headers ?? {}),
    };
    if (conn.token) headers.authorization = `Bearer ${conn.token}`;
    let payload: Buffer | undefined;
    if (opts.body !== undefined) {
      payload = Buffer.from(JSON.stringify(opts.body));
      headers["content-type"] = opts.contentType ?? "application/json";
      headers["content-length"] = String(payload.length);
    }
    const agent = this.agentFor(conn, isHttps);
    const started = this.clock.now();
    const record = (code: string) => {
      this.metrics?.restRequests.inc({ code, method: opts.method, host: this.host });
      this.metrics?.restLatency.observe({ verb: opts.method, host: this.host }, (this.clock.now() - started) / 1000);
    };
    const limit = opts.maxResponseBytes ?? this.maxResponseBytes;
    const signal = opts.signal;
    const mod = isHttps ? https : http;
    return new Promise((resolve, reject) => {
      const req = mod.request(url, { method: opts.method, headers, agent }, (res) => {
        const status = res.statusCode ?? 0;
        record(String(status));
        if (streaming && status >= 200 && status < 300) {
          req.setTimeout(0);
          resolve({ status, headers: res.headers, body: "", stream: res });
          return;
        }
        readCapped(res, limit).then(
          (body) => resolve({ status, headers: res.headers, body }),
          (e: Error) => reject(e),
        );
      });
      if (!streaming) req.setTimeout(opts.timeoutMs ?? this.timeoutMs, () => req.destroy(new Error("timed out")));
      req.on("error", (e) => {
        if (!signal?.aborted) record("<error>");
        reject(e);
      });
      // Destroying without an error object ends streams with "close" instead of an unhandled "error".
      if (signal) {
        const onAbort = () => {
          req.destroy();
          reject(new Error("aborted"));
        };
        if (signal.aborted) onAbort();
        else {
          signal.addEventListener("abort", onAbort, { once: true });
          req.on("close", () => signal.removeEventListener("abort", onAbort));
        }
      }
      req.end(payload);
    });
  }

  /**
   * The connection to use now. From a kubeconfig, resolving reads files (CA, client cert, token) and may run an
   * exec plugin, so the result is reused for a minute, as client-go re-reads a rotated token file; the agent
   * keeps the TLS part it was first built with.
   */
  private async connection(): Promise<KubeConnection> {
    const now = this.clock.now();
    if (this.resolved && now - this.resolved.at <= CONNECTION_TTL_MS) return this.resolved.conn;
    const conn = await connectionFromKubeConfig(this.kubeConfig!);
    this.resolved = { conn, at: now };
    return conn;
  }

  private agentFor(conn: KubeConnection, isHttps: boolean): http.Agent {
    if (this.agent) return this.agent;
    const common = { keepAlive: true, keepAliveMsecs: 30_000, maxSockets: 256, maxFreeSockets: 32 };
    const tls = {
      ca: conn.ca,
      cert: conn.cert,
      key: conn.key,
      pfx: conn.pfx,
      passphrase: conn.passphrase,
      servername: conn.tlsServerName,
      rejectUnauthorized: !conn.insecureSkipTLSVerify,
    };
    if (conn.proxyUrl) {
      this.agent = isHttps
        ? new HttpsProxyAgent({ ...common, ...tls, proxy: conn.proxyUrl })
        : new HttpProxyAgent({ ...common, proxy: conn.proxyUrl });
    } else {
      this.agent = isHttps ? new https.Agent({ ...common, ...tls }) : new http.Agent(common);
    }
    return this.agent;
  }
}

/** The connection a kubeconfig's current context describes (token or exec plugin, client cert, CA, basic auth). */
async function connectionFromKubeConfig(kc: KubeConfig): Promise<KubeConnection> {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error("kubeconfig has no current cluster");
  const opts: https.RequestOptions = { headers: {} };
  await kc.applyToHTTPSOptions(opts);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(opts.headers ?? {})) if (typeof v === "string") headers[k.toLowerCase()] = v;
  if (opts.auth && !headers.authorization) headers.authorization = `Basic ${Buffer.from(opts.auth).toString("base64")}`;
  return {
    server: cluster.server,
    ca: opts.ca as string | Buffer | undefined,
    cert: opts.cert as string | Buffer | undefined,
    key: opts.key as string | Buffer | undefined,
    pfx: opts.pfx as string | Buffer | undefined,
    passphrase: opts.passphrase,
    tlsServerName: opts.servername,
    insecureSkipTLSVerify: opts.rejectUnauthorized === false,
    headers,
  };
}

function serverUrl(server: string): string {
  const trimmed = server.replace(/\/+$/, "");
  return /^[a-z]+:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`;
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function formatBytes(n: number): string {
  const MiB = 1024 * 1024;
  return n >= MiB && n % MiB === 0 ? `${n / MiB} MiB` : `${n} bytes`;
}

/** The body as text, at most `limit` bytes; past it the response (and its socket) is dropped. */
function readCapped(res: http.IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const tooLarge = () => {
      res.removeAllListeners("data");
      res.destroy();
      reject(new Error(`response exceeds the ${formatBytes(limit)} size cap`));
    };
    const declared = Number(res.headers["content-length"]);
    if (Number.isFinite(declared) && declared > limit) {
      tooLarge();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    res.on("data", (c: Buffer) => {
      size += c.length;
      if (size > limit) tooLarge();
      else chunks.push(c);
    });
    res.on("end", () => resolve(Buffer.concat(chunks, size).toString("utf8")));
    res.on("error", reject);
  });
}

/** A 2xx body as JSON; a malformed one is an error that never quotes it (JSON.parse's message would). */
function parseBody<T>(res: Response, opts: RequestOptions): T {
  if (!res.body) return undefined as T;
  try {
    return JSON.parse(res.body) as T;
  } catch {
    throw new ApiError(res.status, `${opts.method} ${opts.path}: malformed response body`);
  }
}

function toApiError(res: Response, opts: RequestOptions): ApiError {
  let message = `HTTP ${res.status}`;
  let reason: string | undefined;
  let details: unknown;
  try {
    const s = JSON.parse(res.body) as { kind?: string; message?: string; reason?: string; details?: unknown };
    if (s && s.kind === "Status") {
      message = s.message ?? message;
      reason = s.reason;
      details = s.details;
    }
  } catch {
    // not JSON: keep the generic message (never echo a body, it could carry data)
  }
  const ra = res.headers["retry-after"];
  const raw = Array.isArray(ra) ? ra[0] : ra;
  const seconds = raw !== undefined && /^\d+$/.test(raw.trim()) ? Number(raw) : undefined;
  return new ApiError(res.status, `${opts.method} ${opts.path}: ${message}`, reason, details, seconds);
}
