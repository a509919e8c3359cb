/**
 * A small HTTP(S) client on node:http/https for the plain-REST providers (webhook, GitLab, Akeyless, 1Password
 * Connect): custom CA bundles, timeouts and abort signals, and status-to-error mapping. Error messages carry
 * the provider, the operation and the status, never request or response bodies that could hold secrets.
 */
import { type Agent, request as httpRequestRaw, type IncomingHttpHeaders } from "node:http";
import { request as httpsRequestRaw } from "node:https";
import { NoSecretError, ProviderAuthError, ProviderThrottledError } from "../errors.js";
import { DEFAULT_MAX_RESPONSE_BYTES, ResponseTooLargeError, readBoundedMessage } from "./bounded-body.js";

export interface HttpRequest {
  method?: string;
  url: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** PEM CA bundle trusted in addition to nothing else (replaces the default roots, as Go's RootCAs). */
  ca?: string | Buffer;
  /** Idle-socket timeout; the caller's signal bounds the whole exchange (slow bodies included). */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Response body cap (default 16 MiB); past it the connection is closed and the call fails. */
  maxBytes?: number;
  /** Names the response in the size-cap error, e.g. "webhook response" (never the URL: it may hold secrets). */
  what?: string;
  /** Connection pool to send through (NTLM authenticates one kept-alive connection); default: none. */
  agent?: Agent;
}

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export class HttpTransportError extends Error {
  override readonly name = "HttpTransportError";
}

const IDEMPOTENT = new Set(["GET", "HEAD", "PUT", "DELETE", "OPTIONS"]);

/**
 * One HTTP exchange. Like Go's http.Transport, an idempotent request whose kept-alive connection turns out to have
 * been closed by the server (ECONNRESET/EPIPE on a reused socket, before any response) is sent once more on a
 * fresh connection: that race is the client's, not a service failure.
 */
export async function httpRequest(req: HttpRequest): Promise<HttpResponse> {
  try {
    return await sendOnce(req);
  } catch (e) {
    if (!(e instanceof StaleConnectionError)) throw e;
    return sendOnce(req);
  }
}

class StaleConnectionError extends HttpTransportError {}

function sendOnce(req: HttpRequest): Promise<HttpResponse> {
  const url = new URL(req.url);
  const isHttps = url.protocol === "https:";
  if (!isHttps && url.protocol !== "http:") {
    return Promise.reject(new HttpTransportError(`unsupported URL scheme ${url.protocol}`));
  }
  const send = isHttps ? httpsRequestRaw : httpRequestRaw;
  const body = req.body === undefined ? undefined : Buffer.from(req.body);
  const headers: Record<string, string> = { ...(req.headers ?? {}) };
  if (body) headers["content-length"] = String(body.length);
  return new Promise((resolve, reject) => {
    // The timeout bounds the whole exchange, body included (as Go's http.Client.Timeout), not just idle time:
    // a server trickling a byte at a time must not hold the caller for longer.
    let timedOut: HttpTransportError | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const done = () => clearTimeout(timer);
    const fail = (e: Error) => {
      done();
      if (timedOut) reject(timedOut);
      else
        reject(
          e instanceof ResponseTooLargeError || e instanceof HttpTransportError ? e : new HttpTransportError(e.message),
        );
    };
    const r = send(
      url,
      {
        method: req.method ?? "GET",
        headers,
        ...(isHttps && req.ca ? { ca: req.ca } : {}),
        ...(req.agent ? { agent: req.agent } : {}),
        signal: req.signal,
      },
      (res) => {
        readBoundedMessage(res, req.maxBytes ?? DEFAULT_MAX_RESPONSE_BYTES, req.what ?? "response").then((b) => {
          done();
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: b });
        }, fail);
      },
    );
    if (req.timeoutMs && req.timeoutMs > 0) {
      timer = setTimeout(() => {
        timedOut = new HttpTransportError(`timed out after ${req.timeoutMs}ms`);
        r.destroy(timedOut);
      }, req.timeoutMs);
    }
    r.on("error", (e: NodeJS.ErrnoException) => {
      const stale =
        r.reusedSocket &&
        !timedOut &&
        !req.signal?.aborted &&
        (e.code === "ECONNRESET" || e.code === "EPIPE") &&
        IDEMPOTENT.has((req.method ?? "GET").toUpperCase());
      fail(stale ? new StaleConnectionError(e.message) : e);
    });
    if (body) r.write(body);
    r.end();
  });
}

/** Maps a non-2xx status to the provider error classes. `what` names the operation and key, never a value. */
export function statusError(provider: string, what: string, status: number, detail = ""): Error {
  const suffix = detail ? `: ${detail}` : "";
  if (status === 401 || status === 403) {
    return new ProviderAuthError(`${provider}: ${what}: authentication failed (HTTP ${status})${suffix}`);
  }
  if (status === 404) return new NoSecretError(`${provider}: ${what}: not found (HTTP 404)${suffix}`);
  if (status === 429) return new ProviderThrottledError(`${provider}: ${what}: rate limited (HTTP 429)`);
  return new Error(`${provider}: ${what}: HTTP ${status}${suffix}`);
}

/** Parses a JSON response body; the error names the operation only. */
export function jsonBody<T>(res: HttpResponse, provider: string, what: string): T {
  try {
    return JSON.parse(res.body.toString("utf8")) as T;
  } catch {
    throw new Error(`${provider}: ${what}: response is not valid JSON`);
  }
}
