/**
 * The request client handed to the @1password/connect SDK in place of its axios one: our node:http client, so
 * responses are read under the size cap and the reconcile's signal aborts requests in flight. `connectHost` is
 * the store author's choice, so the server may be hostile. It answers the way the SDK's own client does: parsed
 * JSON (or a stream for file content) on 2xx, the Connect error body as the rejection otherwise.
 */
import { Readable } from "node:stream";
import { DEFAULT_MAX_RESPONSE_BYTES } from "../util/bounded-body.js";
import { httpRequest } from "../util/http-client.js";

interface ConnectRequestOptions {
  authToken: string;
  timeout?: number;
  data?: unknown;
  params?: Record<string, string | string[] | number[]>;
  headers?: Record<string, string | number>;
  responseType?: string;
}

export class BoundedConnectClient {
  constructor(
    readonly defaultTimeout: number,
    private readonly signal?: AbortSignal,
    private readonly maxBytes = DEFAULT_MAX_RESPONSE_BYTES,
  ) {}

  async request(method: string, url: string, opts: ConnectRequestOptions): Promise<{ status: number; data: unknown }> {
    const target = new URL(url);
    for (const [k, v] of Object.entries(opts.params ?? {})) {
      for (const one of Array.isArray(v) ? v : [v]) target.searchParams.append(k, String(one));
    }
    const headers: Record<string, string> = { "content-type": "application/json" };
    for (const [k, v] of Object.entries(opts.headers ?? {})) headers[k.toLowerCase()] = String(v);
    headers.authorization = `Bearer ${opts.authToken}`;
    const body =
      opts.data === undefined ? undefined : typeof opts.data === "string" ? opts.data : JSON.stringify(opts.data);
    const res = await httpRequest({
      method: method.toUpperCase(),
      url: target.toString(),
      headers,
      body,
      timeoutMs: opts.timeout ?? this.defaultTimeout,
      signal: this.signal,
      maxBytes: this.maxBytes,
      what: "onepassword response",
    });
    const data = opts.responseType === "stream" && res.status < 300 ? Readable.from([res.body]) : parse(res.body);
    if (res.status >= 200 && res.status < 300) return { status: res.status, data };
    // As the SDK's axios interceptor: the Connect error body ({status, message}) when there is one.
    if (data && typeof data === "object") throw data;
    throw Object.assign(new Error(`HTTP ${res.status}`), { status: res.status });
  }
}

function parse(body: Buffer): unknown {
  const text = body.toString("utf8");
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
