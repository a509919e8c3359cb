/**
 * Kubernetes REST client over node:http(s) with the KubeConfig's credentials:
 * - one shared keep-alive agent for every request (watches included);
 * - a client-side QPS/burst token bucket (--client-qps / --client-burst);
 * - 429 (and 503 with Retry-After) retried after the server's Retry-After;
 * - rest_client_requests_total by verb and code.
 */
import http from "node:http";
import https from "node:https";
import type { KubeConfig } from "@kubernetes/client-node";
import { type Clock, realClock, sleep } from "./clock.js";
import { type Logger, silentLogger } from "./logger.js";
import type { RuntimeMetrics } from "./metrics.js";
import { TokenBucket } from "./ratelimit.js";
import { type KubeList, type KubeObject, type ListMeta, type ResourceDescriptor, resourcePath } from "./resource.js";

/** A failed API call: `code` is the HTTP status (0 for network errors), `reason` the Status reason. */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly reason?: string,
    readonly details?: unknown,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export const isNotFound = (e: unknown): boolean => e instanceof ApiError && e.code === 404;
export const isConflict = (e: unknown): boolean =>
  e instanceof ApiError && e.code === 409 && e.reason !== "AlreadyExists";
export const isAlreadyExists = (e: unknown): boolean =>
  e instanceof ApiError && e.code === 409 && e.reason === "AlreadyExists";
export const isGone = (e: unknown): boolean => e instanceof ApiError && e.code === 410;

export type Query = Record<string, string | number | boolean | undefined>;

export interface RequestOptions {
  method: string;
  path: string;
  query?: Query;
  body?: unknown;
  contentType?: string;
  signal?: AbortSignal;
  /** Per-attempt timeout (default 60 s). */
  timeoutMs?: number;
}

export interface WatchEvent<T = KubeObject> {
  type: "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK" | "ERROR";
  object: T;
}

export interface ListOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  signal?: AbortSignal;
}

export interface WatchOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  resourceVersion?: string;
  allowWatchBookmarks?: boolean;
  timeoutSeconds?: number;
  signal?: AbortSignal;
}

export type PatchType = "merge" | "json" | "strategic" | "apply";

const patchContentTypes: Record<PatchType, string> = {
  merge: "application/merge-patch+json",
  json: "application/json-patch+json",
  strategic: "application/strategic-merge-patch+json",
  apply: "application/apply-patch+yaml",
};

export interface KubeClientOptions {
  kubeConfig: KubeConfig;
  /** Sustained requests per second (default 50, as upstream ESO); <= 0 disables the limiter. */
  qps?: number;
  /** Requests allowed above the sustained rate (default 100). */
  burst?: number;
  /** How many times one call is retried on 429 (default 10, as client-go). */
  maxRetries?: number;
  clock?: Clock;
  metrics?: RuntimeMetrics;
  logger?: Logger;
  userAgent?: string;
}

const CONNECTION_OPTIONS_TTL_MS = 60_000;

export class KubeClient {
  readonly kubeConfig: KubeConfig;
  private readonly server: URL;
  private readonly bucket: TokenBucket;
  private readonly maxRetries: number;
  private readonly clock: Clock;
  private readonly metrics?: RuntimeMetrics;
  private readonly log: Logger;
  private readonly userAgent: string;
  private agent?: http.Agent;
  private connOpts?: { opts: https.RequestOptions; at: number };

  constructor(opts: KubeClientOptions) {
    this.kubeConfig = opts.kubeConfig;
    const cluster = opts.kubeConfig.getCurrentCluster();
    if (!cluster) throw new Error("kubeconfig has no current cluster");
    this.server = new URL(cluster.server);
    this.clock = opts.clock ?? realClock;
    this.bucket = new TokenBucket(opts.qps ?? 50, opts.burst ?? 100, this.clock);
    this.maxRetries = opts.maxRetries ?? 10;
    this.metrics = opts.metrics;
    this.log = opts.logger ?? silentLogger();
    this.userAgent = opts.userAgent ?? "eso-ts";
  }

  /** Closes idle keep-alive sockets. */
  close(): void {
    this.agent?.destroy();
    this.agent = undefined;
  }

  /** One JSON request; retries 429 per Retry-After; throws ApiError on any non-2xx status. */
  async request<T = unknown>(opts: RequestOptions): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      await this.bucket.wait(opts.signal);
      try {
        const { status, headers, body } = await this.send(opts, false);
        if (status >= 200 && status < 300) return parseBody<T>(status, body);
        const err = toApiError(status, body, headers["retry-after"]);
        const retriable = status === 429 || (status === 503 && err.retryAfterSeconds !== undefined);
        if (!retriable || attempt >= this.maxRetries) throw err;
        const waitMs = Math.max(1, err.retryAfterSeconds ?? 1) * 1000;
        this.log.debug({ method: opts.method, path: opts.path, status, waitMs }, "throttled by the API server");
        await sleep(this.clock, waitMs, opts.signal);
      } catch (e) {
        throw e instanceof ApiError ? e : new ApiError(0, e instanceof Error ? e.message : String(e));
      }
    }
  }

  /**
   * Opens a watch stream and calls `onEvent` per event until the server ends it (resolves) or it fails
   * (rejects with ApiError). Aborting `signal` closes it and resolves.
   */
  async watchStream(
    path: string,
    query: Query,
    onEvent: (ev: WatchEvent) => void,
    signal?: AbortSignal,
  ): Promise<void> {
    await this.bucket.wait(signal);
    const { status, body, stream } = await this.send(
      { method: "GET", path, query: { ...query, watch: true }, signal },
      true,
    );
    if (!stream) throw toApiError(status, body, undefined);
    await new Promise<void>((resolve, reject) => {
      let buf = "";
      let failed = false;
      stream.setEncoding("utf8");
      stream.on("data", (chunk: string) => {
        buf += chunk;
        let nl = buf.indexOf("\n");
        while (nl >= 0) {
          const line = buf.slice(0, nl).trim();
          buf = buf.slice(nl + 1);
          nl = buf.indexOf("\n");
          if (!line) continue;
          let ev: WatchEvent;
          try {
            ev = JSON.parse(line) as WatchEvent;
          } catch {
            failed = true;
            stream.destroy();
            reject(new ApiError(0, "malformed watch event"));
            return;
          }
          onEvent(ev);
        }
      });
      const finish = () => {
        if (!failed) resolve();
      };
      stream.on("end", finish);
      stream.on("close", finish);
      stream.on("error", (e) => {
        if (signal?.aborted) finish();
        else if (!failed) {
          failed = true;
          reject(new ApiError(0, e.message));
        }
      });
    });
  }

  // ---- typed helpers ----

  get<T extends KubeObject>(rd: ResourceDescriptor, namespace: string, name: string): Promise<T> {
    return this.request<T>({ method: "GET", path: resourcePath(rd, namespace, name) });
  }

  /** Like get, but undefined for 404. */
  async getOrUndefined<T extends KubeObject>(
    rd: ResourceDescriptor,
    namespace: string,
    name: string,
  ): Promise<T | undefined> {
    try {
      return await this.get<T>(rd, namespace, name);
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  list<T extends KubeObject>(rd: ResourceDescriptor, opts: ListOptions = {}): Promise<KubeList<T>> {
    return this.request<KubeList<T>>({
      method: "GET",
      path: resourcePath(rd, opts.namespace),
      query: {
        labelSelector: opts.labelSelector,
        fieldSelector: opts.fieldSelector,
        limit: opts.limit,
        continue: opts.continue,
        resourceVersion: opts.resourceVersion,
      },
      signal: opts.signal,
    });
  }

  create<T extends KubeObject>(rd: ResourceDescriptor, obj: T, query?: Query): Promise<T> {
    return this.request<T>({ method: "POST", path: resourcePath(rd, obj.metadata.namespace), body: obj, query });
  }

  /** PUT; fails with 409 when `metadata.resourceVersion` is stale. */
  replace<T extends KubeObject>(rd: ResourceDescriptor, obj: T, query?: Query): Promise<T> {
    const path = resourcePath(rd, obj.metadata.namespace, obj.metadata.name);
    return this.request<T>({ method: "PUT", path, body: obj, query });
  }

  patch<T extends KubeObject>(
    rd: ResourceDescriptor,
    namespace: string,
    name: string,
    patch: unknown,
    type: PatchType = "merge",
    opts: { subresource?: string; fieldManager?: string; force?: boolean } = {},
  ): Promise<T> {
    return this.request<T>({
      method: "PATCH",
      path: resourcePath(rd, namespace, name, opts.subresource),
      body: patch,
      contentType: patchContentTypes[type],
      query: { fieldManager: opts.fieldManager, force: opts.force },
    });
  }

  delete(
    rd: ResourceDescriptor,
    namespace: string,
    name: string,
    opts: { propagationPolicy?: string; preconditions?: { uid?: string; resourceVersion?: string } } = {},
  ): Promise<unknown> {
    return this.request({
      method: "DELETE",
      path: resourcePath(rd, namespace, name),
      body: { kind: "DeleteOptions", apiVersion: "v1", ...opts },
    });
  }

  /**
   * Every page of a list. `mapItem` runs on each item as its page arrives, so a caller that keeps only part of
   * each object (e.g. metadata of Secrets) never holds more than one page of full objects.
   */
  async listAll<T extends KubeObject>(
    rd: ResourceDescriptor,
    opts: ListOptions = {},
    mapItem: (item: T) => T = (item) => item,
  ): Promise<{ items: T[]; metadata: ListMeta }> {
    const items: T[] = [];
    let cont: string | undefined;
    let meta: ListMeta = {};
    do {
      const page = await this.list<T>(rd, { ...opts, continue: cont });
      for (const item of page.items) items.push(mapItem(item));
      meta = page.metadata ?? {};
      cont = meta.continue || undefined;
    } while (cont);
    return { items, metadata: meta };
  }

  // ---- transport ----

  private async send(
    opts: RequestOptions,
    streaming: boolean,
  ): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string; stream?: http.IncomingMessage }> {
    const url = new URL(this.server.href.replace(/\/$/, "") + opts.path);
    for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const reqOpts = await this.connectionOptions();
    const headers: Record<string, string> = {
      Accept: "application/json",
      "User-Agent": this.userAgent,
      ...(reqOpts.headers as Record<string, string>),
    };
    let payload: string | undefined;
    if (opts.body !== undefined) {
      payload = JSON.stringify(opts.body);
      headers["Content-Type"] = opts.contentType ?? "application/json";
      headers["Content-Length"] = String(Buffer.byteLength(payload));
    }
    const agent = this.sharedAgent(reqOpts, url.protocol === "https:");
    const mod = url.protocol === "https:" ? https : http;
    const started = this.clock.now();
    const host = url.host;
    const record = (code: string) => {
      this.metrics?.restRequests.inc({ code, method: opts.method, host });
      this.metrics?.restLatency.observe({ verb: opts.method, host }, (this.clock.now() - started) / 1000);
    };
    return new Promise((resolve, reject) => {
      const req = mod.request(url, { method: opts.method, headers, agent, auth: reqOpts.auth }, (res) => {
        const status = res.statusCode ?? 0;
        record(String(status));
        if (streaming && status >= 200 && status < 300) {
          req.setTimeout(0);
          resolve({ status, headers: res.headers, body: "", stream: res });
          return;
        }
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", reject);
      });
      if (!streaming) {
        req.setTimeout(opts.timeoutMs ?? 60_000, () => req.destroy(new Error("request timed out")));
      }
      req.on("error", (e) => {
        if (!opts.signal?.aborted) record("<error>");
        reject(e);
      });
      // Destroying without an error object ends streams with "close" instead of an unhandled "error".
      const signal = opts.signal;
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
   * Auth headers and TLS material from the kubeconfig. Resolving them reads files (CA, client cert, token), so
   * the result is reused for a minute, as client-go re-reads a rotated token file; the agent keeps the TLS part.
   */
  private async connectionOptions(): Promise<https.RequestOptions> {
    const now = this.clock.now();
    if (!this.connOpts || now - this.connOpts.at > CONNECTION_OPTIONS_TTL_MS) {
      const opts: https.RequestOptions = { headers: {} };
      await this.kubeConfig.applyToHTTPSOptions(opts);
      this.connOpts = { opts, at: now };
    }
    return this.connOpts.opts;
  }

  private sharedAgent(reqOpts: https.RequestOptions, tls: boolean): http.Agent {
    if (this.agent) return this.agent;
    const common = { keepAlive: true, keepAliveMsecs: 30_000, maxSockets: 256, maxFreeSockets: 32 };
    this.agent = tls
      ? new https.Agent({
          ...common,
          ca: reqOpts.ca,
          cert: reqOpts.cert,
          key: reqOpts.key,
          pfx: reqOpts.pfx,
          passphrase: reqOpts.passphrase,
          servername: reqOpts.servername,
          ...(reqOpts.rejectUnauthorized !== undefined ? { rejectUnauthorized: reqOpts.rejectUnauthorized } : {}),
        })
      : new http.Agent(common);
    return this.agent;
  }
}

/** A 2xx body as JSON; a malformed one is an error that never quotes it (JSON.parse's message would). */
function parseBody<T>(status: number, body: string): T {
  if (!body) return undefined as T;
  try {
    return JSON.parse(body) as T;
  } catch {
    throw new ApiError(status, "malformed response body");
  }
}

function toApiError(status: number, body: string, retryAfter: string | string[] | undefined): ApiError {
  let message = `HTTP ${status}`;
  let reason: string | undefined;
  let details: unknown;
  try {
    const s = JSON.parse(body) as { kind?: string; message?: string; reason?: string; details?: unknown };
    if (s && s.kind === "Status") {
      message = s.message ?? message;
      reason = s.reason;
      details = s.details;
    }
  } catch {
    // not JSON: keep the generic message (never echo a body, it could carry data)
  }
  const ra = Array.isArray(retryAfter) ? retryAfter[0] : retryAfter;
  const seconds = ra !== undefined && /^\d+$/.test(ra.trim()) ? Number(ra) : undefined;
  return new ApiError(status, message, reason, details, seconds);
}
