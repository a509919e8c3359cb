/**
 * Minimal Vault HTTP transport over node:http(s): JSON bodies, the LIST verb, X-Vault-Token and
 * X-Vault-Namespace, extra headers, read-your-writes index tracking, TLS trust and client certificates,
 * a per-request timeout, and bounded retries with jitter on 429/5xx and network errors.
 */
import http from "node:http";
import https from "node:https";
import { REDACTED, redactValues, stringLeaves } from "../../../template/index.js";
import { ProviderThrottledError } from "../../errors.js";
import { DEFAULT_MAX_RESPONSE_BYTES, ResponseTooLargeError, readBoundedMessage } from "../../util/bounded-body.js";

export interface VaultTls {
  ca?: string;
  cert?: string;
  key?: string;
}

export interface VaultHttpOptions {
  server: string;
  tls?: VaultTls;
  headers?: Record<string, string>;
  readYourWrites?: boolean;
  timeoutMs: number;
  maxRetries: number;
  retryBaseMs: number;
  signal?: AbortSignal;
  /** Response body cap (default 16 MiB). */
  maxBytes?: number;
}

export interface VaultRequest {
  method: "GET" | "PUT" | "POST" | "DELETE" | "LIST";
  path: string;
  token?: string;
  namespace?: string;
  body?: unknown;
  /** Query parameters; an array repeats the key. */
  query?: Record<string, string | string[]>;
}

export interface VaultResponse {
  status: number;
  body: any;
  /** The strings the request carried (token, body values): Vault may echo them in its error text. */
  sent?: string[];
}

const MAX_DETAIL = 300;

/**
 * Vault's `errors[]` as error-message detail (": ..." or ""), with every value the request carried cut out:
 * Vault's messages may quote a parameter back. When a value too short to cut out safely occurs in them, or
 * `withhold` is set (requests whose parameters are free-form), only the status code and path remain.
 */
export function vaultErrorDetail(res: VaultResponse, opts: { extra?: string[]; withhold?: boolean } = {}): string {
  const errors: string[] = Array.isArray(res.body?.errors) ? res.body.errors.map(String) : [];
  const text = errors.join("; ").trim();
  if (!text) return "";
  const withheld = " (Vault's message withheld: it may repeat a value sent in the request)";
  if (opts.withhold) return withheld;
  const scrubbed = redactValues(text, [...(res.sent ?? []), ...(opts.extra ?? [])]);
  if (scrubbed.shortValueSeen) return withheld;
  return `: ${cutAt(scrubbed.text, MAX_DETAIL)}`;
}

/** Truncates without leaving half of a "[redacted]" marker behind. */
function cutAt(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  const open = cut.lastIndexOf("[");
  return open >= 0 && REDACTED.startsWith(cut.slice(open)) ? cut.slice(0, open) : cut;
}

/** Vault answered with a status outside 2xx (after retries); the message carries Vault's scrubbed text. */
export class VaultHttpError extends Error {
  override readonly name = "VaultHttpError";
  constructor(
    readonly status: number,
    readonly path: string,
    detail: string,
  ) {
    super(`vault: ${path}: HTTP ${status}${detail}`);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class VaultHttp {
  private readonly base: URL;
  private readonly agent: http.Agent;
  private lastIndex: string | undefined;

  constructor(private readonly opts: VaultHttpOptions) {
    this.base = new URL(opts.server);
    if (this.base.protocol === "https:") {
      this.agent = new https.Agent({ keepAlive: true, ca: opts.tls?.ca, cert: opts.tls?.cert, key: opts.tls?.key });
    } else {
      this.agent = new http.Agent({ keepAlive: true });
    }
  }

  close(): void {
    this.agent.destroy();
  }

  async request(req: VaultRequest): Promise<VaultResponse> {
    let attempt = 0;
    for (;;) {
      try {
        const res = await this.once(req);
        // 412: a performance standby has not caught up with our X-Vault-Index yet (read-your-writes).
        const retryable =
          res.status === 429 ||
          (res.status >= 500 && res.status !== 501) ||
          (res.status === 412 && !!this.opts.readYourWrites);
        if (!retryable || attempt >= this.opts.maxRetries) return res;
      } catch (err) {
        // An oversized answer is not transient: asking again would only read another one.
        if (this.opts.signal?.aborted || err instanceof ResponseTooLargeError || attempt >= this.opts.maxRetries) {
          throw err;
        }
      }
      attempt++;
      const backoff = this.opts.retryBaseMs * 2 ** (attempt - 1);
      await sleep(backoff / 2 + Math.random() * (backoff / 2));
    }
  }

  private once(req: VaultRequest): Promise<VaultResponse> {
    const url = new URL(`/v1/${req.path.replace(/^\/+/, "")}`, this.base);
    for (const [k, v] of Object.entries(req.query ?? {})) {
      if (Array.isArray(v)) for (const one of v) url.searchParams.append(k, one);
      else url.searchParams.set(k, v);
    }
    // LIST goes out as GET ?list=true, as the Vault Go client sends it (proxies often reject unknown verbs).
    let method: string = req.method;
    if (method === "LIST") {
      method = "GET";
      url.searchParams.set("list", "true");
    }
    const headers: Record<string, string> = { ...this.opts.headers, Accept: "application/json" };
    if (req.token) headers["X-Vault-Token"] = req.token;
    if (req.namespace) headers["X-Vault-Namespace"] = req.namespace;
    if (this.opts.readYourWrites && this.lastIndex) headers["X-Vault-Index"] = this.lastIndex;
    const payload = req.body === undefined ? undefined : Buffer.from(JSON.stringify(req.body));
    const sent = stringLeaves(req.body);
    if (req.token) sent.push(req.token);
    if (payload) {
      headers["Content-Type"] = "application/json";
      headers["Content-Length"] = String(payload.length);
    }
    const mod = url.protocol === "https:" ? https : http;
    return new Promise<VaultResponse>((resolve, reject) => {
      const r = mod.request(
        url,
        { method, headers, agent: this.agent, timeout: this.opts.timeoutMs, signal: this.opts.signal },
        (res) => {
          readBoundedMessage(res, this.opts.maxBytes ?? DEFAULT_MAX_RESPONSE_BYTES, "vault response").then((raw) => {
            const idx = res.headers["x-vault-index"];
            if (this.opts.readYourWrites && typeof idx === "string" && idx) this.lastIndex = idx;
            const text = raw.toString("utf8");
            let body: any;
            try {
              body = text ? JSON.parse(text) : undefined;
            } catch {
              body = undefined;
            }
            resolve({ status: res.statusCode ?? 0, body, sent });
          }, reject);
        },
      );
      r.on("timeout", () =>
        r.destroy(new Error(`vault: ${req.path}: request timed out after ${this.opts.timeoutMs}ms`)),
      );
      r.on("error", (err) => reject(new Error(`vault: ${req.path}: ${err.message}`)));
      r.end(payload);
    });
  }
}

/** The matching typed error for a non-2xx response (404 is left to the caller); see vaultErrorDetail. */
export function vaultError(
  res: VaultResponse,
  path: string,
  opts: { withhold?: boolean } = {},
): VaultHttpError | ProviderThrottledError {
  if (res.status === 429) return new ProviderThrottledError(`vault: ${path}: rate limited (HTTP 429)`);
  return new VaultHttpError(res.status, path, vaultErrorDetail(res, opts));
}
