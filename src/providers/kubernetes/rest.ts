/**
 * A minimal Kubernetes REST client on node:http/https: bearer token or client certificate, custom CA,
 * JSON in and out. Errors carry the verb, path and Kubernetes' status message, never request bodies.
 */
import { type Agent as HttpAgent, request as httpRequest } from "node:http";
import { Agent, request as httpsRequest } from "node:https";
import { HttpProxyAgent, HttpsProxyAgent } from "hpagent";
import { readBoundedMessage } from "../util/bounded-body.js";

/**
 * Response cap for Kubernetes API calls: one Secret is at most 1 MiB, but the provider lists a namespace's
 * Secrets in one unpaginated call, so the cap leaves room for dozens of full-size ones.
 */
export const KUBE_MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

export interface KubeConnection {
  server: string;
  ca?: string | Buffer;
  cert?: string | Buffer;
  key?: string | Buffer;
  token?: string;
  insecureSkipTLSVerify?: boolean;
  /** Extra headers, e.g. from a kubeconfig's auth plugin. */
  headers?: Record<string, string>;
  /** HTTP(S) proxy the requests are tunnelled through (CONNECT), from a kubeconfig's proxy-url. */
  proxyUrl?: string;
}

export class KubeApiError extends Error {
  override readonly name = "KubeApiError";
  constructor(
    message: string,
    readonly code: number,
    readonly reason?: string,
  ) {
    super(message);
  }
}

export interface KubeResponse<T> {
  status: number;
  body: T;
}

const agents = new WeakMap<KubeConnection, HttpAgent>();

function agentFor(conn: KubeConnection, isHttps: boolean): HttpAgent {
  let agent = agents.get(conn);
  if (!agent) {
    const tls = { ca: conn.ca, cert: conn.cert, key: conn.key, rejectUnauthorized: !conn.insecureSkipTLSVerify };
    if (!conn.proxyUrl) agent = new Agent({ keepAlive: true, ...tls });
    else if (isHttps) agent = new HttpsProxyAgent({ keepAlive: true, proxy: conn.proxyUrl, ...tls });
    else agent = new HttpProxyAgent({ keepAlive: true, proxy: conn.proxyUrl });
    agents.set(conn, agent);
  }
  return agent;
}

function serverUrl(server: string): string {
  return /^[a-z]+:\/\//i.test(server) ? server.replace(/\/+$/, "") : `https://${server.replace(/\/+$/, "")}`;
}

export async function kubeRequest<T = any>(
  conn: KubeConnection,
  method: string,
  path: string,
  body?: unknown,
  opts: { contentType?: string; signal?: AbortSignal; timeoutMs?: number; maxBytes?: number } = {},
): Promise<KubeResponse<T>> {
  const url = new URL(serverUrl(conn.server) + path);
  const isHttps = url.protocol === "https:";
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  const headers: Record<string, string> = { accept: "application/json", ...(conn.headers ?? {}) };
  if (conn.token) headers.authorization = `Bearer ${conn.token}`;
  if (payload) {
    headers["content-type"] = opts.contentType ?? "application/json";
    headers["content-length"] = String(payload.length);
  }
  const send = isHttps ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      url,
      { method, headers, signal: opts.signal, ...(isHttps || conn.proxyUrl ? { agent: agentFor(conn, isHttps) } : {}) },
      (res) => {
        const what = `kubernetes API response to ${method} ${url.pathname}`;
        readBoundedMessage(res, opts.maxBytes ?? KUBE_MAX_RESPONSE_BYTES, what).then((raw) => {
          const status = res.statusCode ?? 0;
          const text = raw.toString("utf8");
          let parsed: any;
          try {
            parsed = text ? JSON.parse(text) : undefined;
          } catch {
            parsed = undefined;
          }
          if (status >= 200 && status < 300) {
            resolve({ status, body: parsed as T });
            return;
          }
          const message = typeof parsed?.message === "string" ? parsed.message : `HTTP ${status}`;
          reject(new KubeApiError(`${method} ${url.pathname}: ${message}`, status, parsed?.reason));
        }, reject);
      },
    );
    req.setTimeout(opts.timeoutMs ?? 30_000, () => req.destroy(new Error(`${method} ${url.pathname}: timed out`)));
    req.on("error", (e) =>
      reject(e instanceof KubeApiError ? e : new Error(`${method} ${url.pathname}: ${e.message}`)),
    );
    if (payload) req.write(payload);
    req.end();
  });
}

/** GET that maps 404 to undefined. */
export async function kubeGet<T = any>(
  conn: KubeConnection,
  path: string,
  signal?: AbortSignal,
): Promise<T | undefined> {
  try {
    return (await kubeRequest<T>(conn, "GET", path, undefined, { signal })).body;
  } catch (err) {
    if (err instanceof KubeApiError && err.code === 404) return undefined;
    throw err;
  }
}

export function decodeData(data: Record<string, string> | undefined): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  for (const [k, v] of Object.entries(data ?? {})) out[k] = Buffer.from(v, "base64");
  return out;
}

export function encodeData(data: Record<string, Buffer>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(data)) out[k] = v.toString("base64");
  return out;
}
